import { operationOutcomeSentence } from '@roster/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ErrorBox } from '../components/ErrorBox';
import { ErrorLine } from '../components/ErrorLine';
import { Spinner } from '../components/Spinner';
import { formatCount, formatDateTime } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { FollowUpActions } from './FollowUpActions';
import { OperationProgress } from './OperationProgress';
import { OperationResults } from './OperationResults';
import { OperationStatusBadge } from './OperationStatusBadge';
import { isActive, itemNoun, STATUS_LABELS } from './operationLabels';
import { useOperationToast } from './useOperationToast';

/** How often a queued or running operation is asked for its progress. */
export const PROGRESS_POLL_MS = 500;

/**
 * One operation by id, as it goes: the progress bar while it is queued or running (followed every
 * 500 ms), then its results. Used by the mass-operation panel and by Admin › Operations.
 */
export function OperationView({
  id,
  onFinished,
  openRevert,
}: {
  id: string;
  onFinished?: () => void;
  /** Show the revert's preview at once, once the operation is finished ("Undo"). */
  openRevert?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const operation = useQuery(
    trpc.bulk.get.queryOptions(
      { id },
      {
        staleTime: 0,
        refetchInterval: (query) => {
          const status = query.state.data?.status;
          return status && isActive(status) ? PROGRESS_POLL_MS : false;
        },
      },
    ),
  );
  const cancel = useMutation(
    trpc.bulk.cancel.mutationOptions({
      onSuccess: (updated) => queryClient.setQueryData(trpc.bulk.get.queryKey({ id }), updated),
    }),
  );

  // Tell the page once the work is done (e.g. to reload the users it changed); an operation that
  // finished while shown here brings its toast, if still open ("… started"), up to date.
  const reported = useRef(false);
  const sawActive = useRef(false);
  const toast = useOperationToast();
  useEffect(() => {
    if (!operation.data) return;
    if (isActive(operation.data.status)) {
      sawActive.current = true;
      return;
    }
    if (reported.current) return;
    reported.current = true;
    if (sawActive.current) toast(operation.data, 'watched');
    onFinished?.();
  }, [operation.data, onFinished, toast]);

  if (operation.isPending) {
    return (
      <div className="rounded-lg border border-slate-200 bg-white p-8">
        <Spinner label="Loading the operation…" />
      </div>
    );
  }
  if (operation.isError) {
    return <ErrorBox error={operation.error} />;
  }
  const op = operation.data;
  return (
    <div
      className="flex flex-col gap-4"
      data-testid="operation-view"
      data-operation-id={op.id}
      data-status={op.status}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <OperationStatusBadge operation={op} />
        <p className="text-sm text-slate-600">
          {isActive(op.status)
            ? `Started by ${op.actor.name} on ${formatDateTime(op.createdAt)}`
            : operationOutcomeSentence(op)}
        </p>
      </div>
      {isActive(op.status) ? (
        <OperationProgress
          operation={op}
          cancelling={cancel.isPending}
          onCancel={() => cancel.mutate({ id: op.id })}
        />
      ) : (
        <>
          {op.status === 'failed' && (
            <div
              role="alert"
              className="rounded-lg border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800"
            >
              <p>The operation stopped on an unexpected error. What was done before it stays done.</p>
              {op.error && <p className="mt-1 font-mono text-xs text-rose-700">{op.error}</p>}
            </div>
          )}
          {op.status === 'cancelled' && (
            <p className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
              {STATUS_LABELS.cancelled} after {formatCount(op.processed)} of {formatCount(op.total)}{' '}
              {itemNoun(op.kind, op.total)}; what was done before stays done.
            </p>
          )}
          <FollowUpActions operation={op} openRevert={openRevert} />
          <OperationResults operation={op} />
        </>
      )}
      <ErrorLine error={cancel.error} />
    </div>
  );
}
