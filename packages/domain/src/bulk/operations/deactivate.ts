import { z } from 'zod';
import { defineOperation, statusChangeEffects } from './definition';

/** Deactivate (SPEC §2 #6): the user can no longer sign in; sessions and API tokens are revoked. */
export const deactivate = defineOperation({
  schema: z.object({ kind: z.literal('deactivate') }).strict(),
  label: 'Deactivate',
  description:
    'Users can no longer sign in; their sessions and API tokens are revoked. Their data is kept and they can be reactivated.',
  changeSentence: 'Will be deactivated and signed out.',
  group: 'account',
  tone: 'danger',
  forStatuses: ['created', 'invited', 'active'],
  revertible: true,
  retryable: true,
  movesAdministratorRole: false,
  changesActiveAdministrators: true,
  readsAccess: false,
  tenantFacts: () => ({}),
  rule: () => (user) =>
    user.status === 'deactivated'
      ? { outcome: 'skip', reason: 'already_deactivated' }
      : {
          outcome: 'change',
          before: { status: user.status },
          after: { status: 'deactivated' },
          effects: statusChangeEffects(user.status, 'deactivated'),
          notOnSelf: true,
        },
});
