import { z } from 'zod';
import { storable } from '../../text';
import { defineOperation, statusChangeEffects } from './definition';

/** Invite (SPEC §2 #3): users never invited get an invitation e-mail with a fresh link. */
export const invite = defineOperation({
  schema: z
    .object({
      kind: z.literal('invite'),
      message: storable(
        z.string().trim().max(2000, 'An invitation message has at most 2,000 characters.'),
      ).optional(),
    })
    .strict(),
  label: 'Invite',
  description:
    'Users who were never invited receive an invitation e-mail; the preview shows until when its link is valid.',
  changeSentence: 'Will be invited by e-mail.',
  group: 'invitations',
  tone: 'default',
  forStatuses: ['created'],
  revertible: true,
  retryable: true,
  movesAdministratorRole: false,
  changesActiveAdministrators: false,
  readsAccess: false,
  tenantFacts: () => ({}),
  rule: (_operation, context) => (user) => {
    switch (user.status) {
      case 'created':
        return {
          outcome: 'change',
          before: { status: 'created' },
          after: {
            status: 'invited',
            invitationExpiresAt: new Date(context.now.getTime() + context.invitationTtlMs),
          },
          effects: statusChangeEffects('created', 'invited'),
        };
      case 'invited':
        return { outcome: 'skip', reason: 'already_invited' };
      case 'active':
        return { outcome: 'skip', reason: 'already_active' };
      case 'deactivated':
        return { outcome: 'skip', reason: 'deactivated' };
    }
  },
});
