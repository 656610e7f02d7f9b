import { z } from 'zod';
import { DomainError } from '../../errors';
import { defineOperation } from './definition';

/** Assign role (SPEC §2 #1): every selected user gets the role; those who have it are skipped. */
export const assignRole = defineOperation({
  schema: z.object({ kind: z.literal('assign_role'), roleId: z.uuid('A role id is a UUID.') }).strict(),
  label: 'Assign role',
  description: 'Every selected user gets this role. Users who already have it are skipped.',
  changeSentence: 'Will get this role.',
  group: 'role_and_access',
  tone: 'default',
  forStatuses: ['created', 'invited', 'active', 'deactivated'],
  revertible: true,
  retryable: true,
  movesAdministratorRole: true,
  changesActiveAdministrators: true,
  readsAccess: false,
  tenantFacts: (operation) => ({ roleId: operation.roleId }),
  rule(operation, context) {
    const role = context.role;
    if (!role || role.id !== operation.roleId) throw new DomainError('unknown_role');
    return (user) =>
      user.roleId === role.id
        ? { outcome: 'skip', reason: 'already_has_role' }
        : {
            outcome: 'change',
            before: { roleId: user.roleId },
            after: { roleId: role.id },
            effects: [],
            notOnSelf: true,
          };
  },
});
