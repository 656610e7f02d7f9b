import { isInvitationExpired, type UserStatus } from '@roster/domain';
import { formatDate } from '../lib/format';

const STYLES: Record<UserStatus | 'expired', string> = {
  created: 'bg-slate-100 text-slate-700 ring-slate-200',
  invited: 'bg-sky-50 text-sky-700 ring-sky-200',
  expired: 'bg-amber-50 text-amber-800 ring-amber-200',
  active: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  deactivated: 'bg-rose-50 text-rose-700 ring-rose-200',
};

const LABELS: Record<UserStatus, string> = {
  created: 'Created',
  invited: 'Invited',
  active: 'Active',
  deactivated: 'Deactivated',
};

export function statusLabel(status: UserStatus): string {
  return LABELS[status];
}

/** The status, and for invited users whether and when their invitation expires. */
export function StatusBadge({
  status,
  invitationExpiresAt,
  now,
}: {
  status: UserStatus;
  invitationExpiresAt: Date | null | undefined;
  now: Date;
}) {
  const expired =
    status === 'invited' && invitationExpiresAt && isInvitationExpired(invitationExpiresAt, now);
  const style = STYLES[expired ? 'expired' : status];
  return (
    <span className="inline-flex items-center gap-2">
      <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style}`}>
        {expired ? 'Invitation expired' : LABELS[status]}
      </span>
      {status === 'invited' && invitationExpiresAt && !expired && (
        <span className="text-xs text-slate-500">until {formatDate(invitationExpiresAt)}</span>
      )}
    </span>
  );
}
