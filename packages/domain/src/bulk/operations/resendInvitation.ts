import { z } from 'zod';
import { defineOperation } from './definition';

/** A second resend within this time is skipped (SPEC §2 #4). */
export const RESEND_MIN_INTERVAL_MS = 60_000;

/**
 * Resend invitation (SPEC §2 #4): a pending invitation is sent again with a new link. It cannot be
 * reverted: the old link is gone for good.
 */
export const resendInvitation = defineOperation({
  schema: z.object({ kind: z.literal('resend_invitation') }).strict(),
  label: 'Resend invitation',
  description: 'Pending invitations are sent again with a new link; the previous link stops working.',
  changeSentence: 'Will receive a new invitation e-mail.',
  group: 'invitations',
  tone: 'default',
  forStatuses: ['invited'],
  revertible: false,
  retryable: true,
  movesAdministratorRole: false,
  changesActiveAdministrators: false,
  readsAccess: false,
  tenantFacts: () => ({}),
  rule: (_operation, context) => (user) => {
    if (user.status !== 'invited' || !user.invitation) return { outcome: 'skip', reason: 'not_invited' };
    if (context.now.getTime() - user.invitation.lastSentAt.getTime() < RESEND_MIN_INTERVAL_MS)
      return { outcome: 'skip', reason: 'resent_recently' };
    return {
      outcome: 'change',
      before: { invitationExpiresAt: user.invitation.expiresAt },
      after: { invitationExpiresAt: new Date(context.now.getTime() + context.invitationTtlMs) },
      effects: ['resend_invitation'],
    };
  },
});
