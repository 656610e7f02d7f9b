import type { OutboxStatus } from '@roster/domain';

const STYLES: Record<OutboxStatus, string> = {
  captured: 'bg-violet-50 text-violet-700 ring-violet-200',
  queued: 'bg-slate-100 text-slate-700 ring-slate-200',
  sending: 'bg-sky-50 text-sky-700 ring-sky-200',
  sent: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  failed: 'bg-rose-50 text-rose-700 ring-rose-200',
};

export const OUTBOX_STATUS_LABELS: Record<OutboxStatus, string> = {
  captured: 'Kept in outbox',
  queued: 'Waiting to send',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
};

export function OutboxStatusBadge({ status }: { status: OutboxStatus }) {
  return (
    <span
      data-status={status}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${STYLES[status]}`}
    >
      {OUTBOX_STATUS_LABELS[status]}
    </span>
  );
}
