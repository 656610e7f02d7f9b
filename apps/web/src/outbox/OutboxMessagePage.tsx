import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../components/PageHeader';
import { Spinner } from '../components/Spinner';
import { formatDateTime } from '../lib/format';
import { errorMessage, useTRPC } from '../lib/trpc';
import { OutboxStatusBadge } from './OutboxStatusBadge';

/**
 * The HTML as a mail client would show it: in a sandboxed frame that runs no script and opens
 * links in a new tab.
 */
function withLinksInNewTabs(html: string): string {
  return html.replace(/<head>|<html>/i, (tag) => `${tag}<base target="_blank">`);
}

/** One e-mail as its recipient sees it, with its delivery state. */
export function OutboxMessagePage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const message = useQuery(trpc.outbox.get.queryOptions({ id }));
  const [view, setView] = useState<'html' | 'text'>('html');
  return (
    <>
      <PageHeader
        title={message.data?.subject ?? 'E-mail'}
        actions={
          <Link to="/admin/outbox" className="text-sm font-medium text-brand-700 hover:underline">
            ← All e-mails
          </Link>
        }
      />
      <div className="p-4 md:p-6 xl:p-8">
        {message.isPending ? (
          <Spinner label="Loading the e-mail…" />
        ) : message.isError ? (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(message.error)}
          </p>
        ) : (
          <div className="flex flex-col gap-4">
            <dl className="grid max-w-3xl grid-cols-[8rem_1fr] gap-x-4 gap-y-2 rounded-xl border border-slate-200 bg-white p-5 text-sm">
              <dt className="text-slate-500">To</dt>
              <dd className="font-medium text-slate-900">{message.data.to}</dd>
              <dt className="text-slate-500">State</dt>
              <dd className="flex flex-wrap items-center gap-2">
                <OutboxStatusBadge status={message.data.status} />
                {message.data.attempts > 0 && (
                  <span className="text-slate-500">
                    {message.data.attempts} attempt{message.data.attempts === 1 ? '' : 's'}
                  </span>
                )}
              </dd>
              {message.data.lastError && (
                <>
                  <dt className="text-slate-500">Last error</dt>
                  <dd className="text-rose-700">{message.data.lastError}</dd>
                </>
              )}
              <dt className="text-slate-500">Queued</dt>
              <dd className="text-slate-700">{formatDateTime(message.data.createdAt)}</dd>
              <dt className="text-slate-500">Sent</dt>
              <dd className="text-slate-700">{formatDateTime(message.data.sentAt)}</dd>
              {message.data.operationId && (
                <>
                  <dt className="text-slate-500">Operation</dt>
                  <dd>
                    <Link
                      to={`/admin/operations/${message.data.operationId}`}
                      className="text-brand-700 hover:underline"
                    >
                      The mass operation that sent it
                    </Link>
                  </dd>
                </>
              )}
            </dl>
            <div className="max-w-3xl overflow-hidden rounded-xl border border-slate-200 bg-white">
              <div
                role="tablist"
                aria-label="Format"
                className="flex gap-1 border-b border-slate-100 px-3 pt-2"
              >
                {(['html', 'text'] as const).map((v) => (
                  <button
                    key={v}
                    type="button"
                    role="tab"
                    aria-selected={view === v}
                    onClick={() => setView(v)}
                    className={`rounded-t-md px-3 py-1.5 text-sm font-medium ${
                      view === v
                        ? 'border-b-2 border-brand-600 text-slate-900'
                        : 'text-slate-500 hover:text-slate-800'
                    }`}
                  >
                    {v === 'html' ? 'As displayed' : 'Plain text'}
                  </button>
                ))}
              </div>
              {view === 'html' ? (
                <iframe
                  title="E-mail as displayed"
                  sandbox="allow-popups allow-popups-to-escape-sandbox"
                  srcDoc={withLinksInNewTabs(message.data.html)}
                  className="h-[28rem] w-full bg-slate-50"
                />
              ) : (
                <pre
                  data-testid="email-text"
                  className="p-5 font-sans text-sm whitespace-pre-wrap text-slate-800"
                >
                  {message.data.text}
                </pre>
              )}
            </div>
          </div>
        )}
      </div>
    </>
  );
}
