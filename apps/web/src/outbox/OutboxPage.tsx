import { OUTBOX_STATUSES, type OutboxStatus } from '@roster/domain';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { LoadMoreButton } from '../components/LoadMoreButton';
import { PageHeader } from '../components/PageHeader';
import { QueryStatus } from '../components/QueryStatus';
import { SearchBox } from '../components/SearchBox';
import { TableHead } from '../components/TableHead';
import { ToggleChips } from '../components/ToggleChips';
import { formatDateTime } from '../lib/format';
import { useTRPCClient } from '../lib/trpc';
import { OUTBOX_STATUS_LABELS, OutboxStatusBadge } from './OutboxStatusBadge';

const PAGE = 50;

/** Admin › Outbox: every e-mail of the platform with its delivery state, newest first (SPEC §4). */
export function OutboxPage() {
  const client = useTRPCClient();
  const navigate = useNavigate();
  const [status, setStatus] = useState<OutboxStatus | null>(null);
  const [search, setSearch] = useState('');
  const list = useInfiniteQuery({
    queryKey: ['outbox.list', status, search],
    queryFn: ({ pageParam }: { pageParam: string | null }) =>
      client.outbox.list.query({
        limit: PAGE,
        ...(status ? { status: [status] } : {}),
        ...(search ? { search } : {}),
        ...(pageParam ? { cursor: pageParam } : {}),
      }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) =>
        p.items.some((m) => m.status === 'queued' || m.status === 'sending'),
      )
        ? 3_000
        : false,
  });
  const messages = list.data?.pages.flatMap((p) => p.items) ?? [];
  const delivery = list.data?.pages[0]?.delivery;
  return (
    <>
      <PageHeader
        title="Outbox"
        description="Every e-mail the platform sends, such as invitations, with its delivery state."
      />
      <div className="flex flex-col gap-4 p-4 md:p-6 xl:p-8">
        {delivery === 'outbox' && (
          <p className="rounded-lg border border-violet-200 bg-violet-50 px-4 py-3 text-sm text-violet-800">
            No SMTP server is configured (<code className="font-mono text-xs">SMTP_URL</code>), so e-mails are
            kept here instead of being sent. Open one to see it as its recipient would, links included.
          </p>
        )}
        <div className="flex flex-wrap items-center gap-3">
          <SearchBox
            label="Search recipients"
            placeholder="Search recipient"
            value={search}
            onChange={setSearch}
          />
          <ToggleChips
            label="Delivery state"
            options={[
              { value: null, label: 'All' },
              ...OUTBOX_STATUSES.map((s) => ({ value: s, label: OUTBOX_STATUS_LABELS[s] })),
            ]}
            value={status}
            onChange={setStatus}
          />
        </div>
        <section className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          {!list.isSuccess ? (
            <QueryStatus query={list} loading="Loading e-mails…" />
          ) : messages.length === 0 ? (
            <div className="p-12 text-center">
              <p className="text-sm font-medium text-slate-700">
                {status || search ? 'No e-mail matches' : 'No e-mail yet'}
              </p>
              <p className="mt-1 text-sm text-slate-500">
                Invitations sent from{' '}
                <Link to="/admin/users" className="text-brand-700 underline hover:text-brand-900">
                  Users
                </Link>{' '}
                appear here.
              </p>
            </div>
          ) : (
            <table className="w-full text-left text-sm" aria-label="E-mails">
              <TableHead columns={['Recipient', 'Subject', 'State', 'Queued', 'Sent']} />
              <tbody className="divide-y divide-slate-100">
                {messages.map((m) => (
                  <tr
                    key={m.id}
                    data-message-id={m.id}
                    onClick={() => void navigate(`/admin/outbox/${m.id}`)}
                    className="cursor-pointer hover:bg-slate-50"
                  >
                    <td className="px-5 py-3 font-medium text-slate-900">
                      <Link
                        to={`/admin/outbox/${m.id}`}
                        onClick={(e) => e.stopPropagation()}
                        className="hover:text-brand-700 hover:underline"
                      >
                        {m.to}
                      </Link>
                    </td>
                    <td className="max-w-96 truncate px-5 py-3 text-slate-600">{m.subject}</td>
                    <td className="px-5 py-3">
                      <span className="flex flex-col items-start gap-1">
                        <OutboxStatusBadge status={m.status} />
                        {m.lastError && (
                          <span className="max-w-64 truncate text-xs text-rose-700" title={m.lastError}>
                            {m.attempts} attempt{m.attempts === 1 ? '' : 's'}: {m.lastError}
                          </span>
                        )}
                      </span>
                    </td>
                    <td className="px-5 py-3 whitespace-nowrap text-slate-600">
                      {formatDateTime(m.createdAt)}
                    </td>
                    <td className="px-5 py-3 whitespace-nowrap text-slate-600">{formatDateTime(m.sentAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <LoadMoreButton list={list} label="Show older e-mails" />
        </section>
      </div>
    </>
  );
}
