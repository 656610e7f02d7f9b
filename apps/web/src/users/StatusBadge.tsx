import { isInvitationExpired, USER_STATUS_LABELS, type UserStatus } from '@roster/domain';
import { formatDayMonth } from '../lib/format';

const STYLES: Record<UserStatus | 'expired', string> = {
  created: 'bg-slate-100 text-slate-700 ring-slate-200',
  invited: 'bg-sky-50 text-sky-700 ring-sky-200',
  expired: 'bg-amber-50 text-amber-800 ring-amber-200',
  active: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  deactivated: 'bg-rose-50 text-rose-700 ring-rose-200',
};

export function statusLabel(status: UserStatus): string {
  return USER_STATUS_LABELS[status];
}

/** The pending invitation of an invited user, as the users list and detail give it. */
export type PendingInvitation = { expiresAt: Date; sentCount: number; lastSentAt: Date };

/** "sent 3 Nov (2×) · until 10 Nov", or "sent 3 Nov · expired 10 Nov". */
export function invitationSummary(invitation: PendingInvitation, now: Date): string {
  const times = invitation.sentCount > 1 ? ` (${invitation.sentCount}×)` : '';
  const expiry = isInvitationExpired(invitation.expiresAt, now) ? 'expired' : 'until';
  return `sent ${formatDayMonth(invitation.lastSentAt)}${times} · ${expiry} ${formatDayMonth(invitation.expiresAt)}`;
}

/** The status, and for invited users when their invitation was sent, how often, and its expiry. */
export function StatusBadge({
  status,
  invitation,
  now,
}: {
  status: UserStatus;
  invitation: PendingInvitation | null | undefined;
  now: Date;
}) {
  const pending = status === 'invited' ? invitation : null;
  const expired = pending ? isInvitationExpired(pending.expiresAt, now) : false;
  const style = STYLES[expired ? 'expired' : status];
  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style}`}>
        {expired ? 'Invitation expired' : USER_STATUS_LABELS[status]}
      </span>
      {pending && (
        <span className="text-xs whitespace-nowrap text-slate-600">{invitationSummary(pending, now)}</span>
      )}
    </span>
  );
}
