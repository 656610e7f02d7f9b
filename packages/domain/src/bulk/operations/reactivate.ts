import { z } from 'zod';
import { defineOperation, statusChangeEffects } from './definition';

/**
 * Reactivate (SPEC §2 #7): a deactivated user returns to `active`, or to `created` when they never
 * accepted an invitation.
 */
export const reactivate = defineOperation({
  schema: z.object({ kind: z.literal('reactivate') }).strict(),
  label: 'Reactivate',
  description:
    'Deactivated users can sign in again — or return to Created if they never accepted an invitation.',
  changeSentence: 'Will be reactivated.',
  group: 'account',
  tone: 'default',
  forStatuses: ['deactivated'],
  revertible: true,
  retryable: true,
  movesAdministratorRole: false,
  changesActiveAdministrators: true,
  readsAccess: false,
  tenantFacts: () => ({}),
  rule: () => (user) => {
    if (user.status !== 'deactivated') return { outcome: 'skip', reason: 'not_deactivated' };
    const status = user.activatedAt ? 'active' : 'created';
    return {
      outcome: 'change',
      before: { status: 'deactivated' },
      after: { status },
      effects: statusChangeEffects('deactivated', status),
    };
  },
});
