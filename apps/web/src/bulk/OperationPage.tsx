import { followUpSelectionSchema } from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { PageTitle } from '../components/PageTitle';
import { formatCount, formatDateTime } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { FollowedOperationLink } from './FollowedOperationLink';
import { hasParameters, OperationParameters } from './OperationParameters';
import { OperationView } from './OperationView';
import { itemNounTitle, kindLabel } from './operationLabels';
import { REVERT_PARAM } from './useOperationToast';

/** Admin › Operations › one operation: what it was, then its progress or results. */
export function OperationPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const trpc = useTRPC();
  const operation = useQuery(trpc.bulk.get.queryOptions({ id }, { staleTime: 0 }));
  const op = operation.data;
  return (
    <>
      <PageTitle
        title={
          op
            ? `${kindLabel(op.kind)} of ${formatDateTime(op.startedAt ?? op.createdAt)} · Operations`
            : 'Operation'
        }
      />
      <header className="border-b border-slate-200 bg-white px-4 py-4 md:px-6 md:py-5 xl:px-8">
        <Link to="/admin/operations" className="text-sm font-medium text-slate-500 hover:text-slate-800">
          ← Operations
        </Link>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">{op ? kindLabel(op.kind) : 'Operation'}</h1>
        {op && (
          <dl className="mt-3 flex flex-wrap gap-x-8 gap-y-1 text-sm">
            {hasParameters(op.kind, op.params) && (
              <Detail label="Parameters">
                <OperationParameters kind={op.kind} params={op.params} />
              </Detail>
            )}
            {followUpSelectionSchema.safeParse(op.selection).data?.kind === 'retry' &&
              op.sourceOperationId && (
                <Detail label="Retry of">
                  <FollowedOperationLink id={op.sourceOperationId} />
                </Detail>
              )}
            <Detail label={itemNounTitle(op.kind, op.total)}>{formatCount(op.total)}</Detail>
            <Detail label="By">{op.actor.name}</Detail>
            <Detail label="Started">{formatDateTime(op.startedAt ?? op.createdAt)}</Detail>
            <Detail label="Finished">{formatDateTime(op.finishedAt)}</Detail>
          </dl>
        )}
      </header>
      <div className="max-w-4xl p-4 md:p-6 xl:p-8">
        <OperationView key={id} id={id} openRevert={params.get(REVERT_PARAM) === '1'} />
      </div>
    </>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex gap-2">
      <dt className="text-slate-500">{label}</dt>
      <dd className="text-slate-800">{children}</dd>
    </div>
  );
}
