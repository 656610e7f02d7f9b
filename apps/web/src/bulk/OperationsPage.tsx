import { OUTCOMES } from '@roster/domain';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Button } from '../components/Button';
import { PageHeader } from '../components/PageHeader';
import { Spinner } from '../components/Spinner';
import { formatCount, formatDateTime } from '../lib/format';
import { errorMessage, useTRPCClient } from '../lib/trpc';
import { OperationParameters } from './OperationParameters';
import { OperationStatusBadge } from './OperationStatusBadge';
import { isActive, itemNoun, kindLabel, OUTCOME_STYLES, outcomeLabels } from './operationLabels';
import type { BulkOperationView } from './types';

const PAGE = 50;

/** Admin › Operations: every bulk operation, newest first, each opening its progress and results. */
export function OperationsPage() {
  const client = useTRPCClient();
  const navigate = useNavigate();
  // The plain client, not `infiniteQueryOptions`: its `direction` key is refused by the strict input.
  const list = useInfiniteQuery({
    queryKey: ['bulk.list', PAGE],
    queryFn: ({ pageParam }: { pageParam: string | null }) =>
      client.bulk.list.query(pageParam === null ? { limit: PAGE } : { limit: PAGE, cursor: pageParam }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
    // While one runs, its progress and counts move here too.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((op) => isActive(op.status))) ? 2_000 : false,
  });
  const operations = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title="Operations"
        description="Every mass operation on users: who ran it, when, with what, and what it did."
      />
      <div className="p-8">
        <section className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          {list.isPending ? (
            <div className="p-8">
              <Spinner label="Loading operations…" />
            </div>
          ) : list.isError ? (
            <p role="alert" className="p-8 text-sm text-red-700">
              {errorMessage(list.error)}
            </p>
          ) : operations.length === 0 ? (
            <div className="p-12 text-center">
              <p className="text-sm font-medium text-slate-700">No operation yet</p>
              <p className="mt-1 text-sm text-slate-500">
                Select users in{' '}
                <Link to="/admin/users" className="text-brand-700 hover:underline">
                  Users
                </Link>{' '}
                and choose a mass operation: it will be listed here with its results.
              </p>
            </div>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Operations">
                <thead className="bg-slate-50 text-xs font-medium uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="px-5 py-3">When and who</th>
                    <th className="px-5 py-3">Operation</th>
                    <th className="px-5 py-3">Parameters</th>
                    <th className="px-5 py-3 text-right">Total</th>
                    <th className="px-5 py-3">Results</th>
                    <th className="px-5 py-3">Status</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {operations.map((op) => (
                    <tr
                      key={op.id}
                      data-operation-id={op.id}
                      onClick={() => void navigate(`/admin/operations/${op.id}`)}
                      className="cursor-pointer hover:bg-slate-50"
                    >
                      <td className="px-5 py-3 whitespace-nowrap">
                        <span className="block text-slate-700">{formatDateTime(op.createdAt)}</span>
                        <span
                          className="block max-w-52 truncate text-xs text-slate-500"
                          title={op.actor.email}
                        >
                          by {op.actor.name}
                        </span>
                      </td>
                      <td className="px-5 py-3 font-medium whitespace-nowrap text-slate-900">
                        <Link
                          to={`/admin/operations/${op.id}`}
                          onClick={(e) => e.stopPropagation()}
                          className="hover:text-brand-700 hover:underline"
                        >
                          {kindLabel(op.kind)}
                        </Link>
                      </td>
                      <td className="max-w-72 px-5 py-3 text-slate-600">
                        <OperationParameters kind={op.kind} params={op.params} />
                      </td>
                      <td
                        data-testid="operation-total"
                        className="px-5 py-3 text-right whitespace-nowrap tabular-nums text-slate-700"
                      >
                        {formatCount(op.total)} {itemNoun(op.kind, op.total)}
                      </td>
                      <td className="px-5 py-3">
                        <CountsSummary operation={op} />
                      </td>
                      <td className="px-5 py-3">
                        <OperationStatusBadge operation={op} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {list.hasNextPage && (
            <div className="border-t border-slate-100 p-3 text-center">
              <Button
                variant="ghost"
                disabled={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                {list.isFetchingNextPage ? 'Loading…' : 'Show older operations'}
              </Button>
            </div>
          )}
        </section>
      </div>
    </>
  );
}

/** "8 changed · 3 skipped": the outcomes that happened, in their colours. */
function CountsSummary({ operation }: { operation: BulkOperationView }) {
  const shown = OUTCOMES.filter((o) => operation.counts[o] > 0);
  if (shown.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <span className="flex flex-wrap gap-x-2.5 text-xs whitespace-nowrap">
      {shown.map((o) => (
        <span key={o} className={OUTCOME_STYLES[o].text}>
          {formatCount(operation.counts[o])} {outcomeLabels(operation.kind)[o].toLowerCase()}
        </span>
      ))}
    </span>
  );
}
