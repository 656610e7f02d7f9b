import { type BulkOperationStatus, type BulkOperationTone, bulkOperationTone } from '@roster/domain';
import { STATUS_LABELS } from './operationLabels';

const TONE_STYLES: Record<BulkOperationTone, string> = {
  neutral: 'bg-slate-100 text-slate-700 ring-slate-200',
  progress: 'bg-sky-50 text-sky-700 ring-sky-200',
  success: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  warning: 'bg-amber-50 text-amber-800 ring-amber-200',
  danger: 'bg-rose-50 text-rose-700 ring-rose-200',
};

/** The status in words, coloured by the domain's tone (skips alone are a success; blocks are not). */
export function OperationStatusBadge({
  operation,
}: {
  operation: { status: BulkOperationStatus; counts: { blocked: number; failed: number } };
}) {
  const { status } = operation;
  const tone = bulkOperationTone(status, operation.counts);
  return (
    <span
      data-testid="operation-status"
      data-status={status}
      data-tone={tone}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONE_STYLES[tone]}`}
    >
      {status === 'running' && (
        <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />
      )}
      {STATUS_LABELS[status]}
    </span>
  );
}
