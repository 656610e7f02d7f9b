import type { BulkOperationStatus } from '@roster/domain';
import { STATUS_LABELS } from './operationLabels';

const STYLES: Record<BulkOperationStatus, string> = {
  receiving: 'bg-slate-100 text-slate-700 ring-slate-200',
  queued: 'bg-slate-100 text-slate-700 ring-slate-200',
  running: 'bg-sky-50 text-sky-700 ring-sky-200',
  succeeded: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  completed_with_skips: 'bg-teal-50 text-teal-800 ring-teal-200',
  failed: 'bg-rose-50 text-rose-700 ring-rose-200',
  cancelled: 'bg-amber-50 text-amber-800 ring-amber-200',
};

export function OperationStatusBadge({ status }: { status: BulkOperationStatus }) {
  return (
    <span
      data-testid="operation-status"
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${STYLES[status]}`}
    >
      {status === 'running' && (
        <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />
      )}
      {STATUS_LABELS[status]}
    </span>
  );
}
