import { OUTCOMES } from '@roster/domain';
import { Button } from '../components/Button';
import { formatCount } from '../lib/format';
import { itemNoun, itemNounTitle, OUTCOME_STYLES, outcomeLabels } from './operationLabels';
import type { BulkOperationView } from './types';

/**
 * A running (or queued) operation: a bar of the users processed so far, coloured by outcome, and
 * the counts behind it. The work goes on on the server whether or not this page stays open.
 */
export function OperationProgress({
  operation,
  onCancel,
  cancelling,
}: {
  operation: BulkOperationView;
  onCancel: () => void;
  cancelling: boolean;
}) {
  const { total, processed, counts } = operation;
  const percent = total > 0 ? Math.floor((processed / total) * 100) : 0;
  // An import counts rows (not all of them users), any other operation users.
  const of = `${formatCount(processed)} of ${formatCount(total)} ${itemNoun(operation.kind, total)}`;
  return (
    <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-5">
      <div className="flex items-baseline justify-between gap-4">
        <p className="text-sm font-medium text-slate-900">
          {operation.status === 'queued' ? 'Waiting to start…' : 'Applying…'}
        </p>
        <p className="text-sm tabular-nums text-slate-600">
          {of} · {percent}%
        </p>
      </div>
      <div
        role="progressbar"
        aria-label={`${itemNounTitle(operation.kind, 2)} processed`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={processed}
        aria-valuetext={of}
        className="flex h-2.5 overflow-hidden rounded-full bg-slate-100"
      >
        {OUTCOMES.map((outcome) => (
          <div
            key={outcome}
            className={`h-full transition-[width] duration-500 ${OUTCOME_STYLES[outcome].bar}`}
            style={{ width: total > 0 ? `${(counts[outcome] / total) * 100}%` : 0 }}
          />
        ))}
      </div>
      <p className="flex flex-wrap gap-x-4 text-xs text-slate-500">
        {OUTCOMES.map((outcome) => (
          <span key={outcome} className="inline-flex items-center gap-1.5">
            <span aria-hidden className={`h-2 w-2 rounded-full ${OUTCOME_STYLES[outcome].bar}`} />
            {outcomeLabels(operation.kind)[outcome]} {formatCount(counts[outcome])}
          </span>
        ))}
      </p>
      <div className="flex items-center justify-between gap-4 border-t border-slate-100 pt-3">
        <p className="text-xs text-slate-500">
          The operation continues on the server if you leave; find it under Operations.
        </p>
        <Button variant="secondary" className="shrink-0" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel operation'}
        </Button>
      </div>
    </div>
  );
}
