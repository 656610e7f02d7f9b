import { z } from 'zod';
import { defineOperation, statusChangeEffects } from './definition';

/** Cancel invitation (SPEC §2 #5): the link stops working and the user returns to `created`. */
export const cancelInvitation = defineOperation({
  schema: z.object({ kind: z.literal('cancel_invitation') }).strict(),
  label: 'Cancel invitation',
  description: 'Pending invitations are cancelled: their links stop working and the users return to Created.',
  changeSentence: 'Will have their invitation cancelled.',
  group: 'invitations',
  tone: 'default',
  forStatuses: ['invited'],
  revertible: true,
  retryable: true,
  movesAdministratorRole: false,
  changesActiveAdministrators: false,
  readsAccess: false,
  tenantFacts: () => ({}),
  rule: () => (user) =>
    user.status !== 'invited'
      ? { outcome: 'skip', reason: 'not_invited' }
      : {
          outcome: 'change',
          before: { status: 'invited', invitationExpiresAt: user.invitation?.expiresAt ?? null },
          after: { status: 'created', invitationExpiresAt: null },
          effects: statusChangeEffects('invited', 'created'),
        },
});
