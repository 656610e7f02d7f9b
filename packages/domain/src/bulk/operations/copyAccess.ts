import { z } from 'zod';
import { DomainError } from '../../errors';
import { accessDiff, combineAccess, normalizeAccess } from '../access';
import { defineOperation } from './definition';

/**
 * Copy access and authorizations (SPEC §2 #2): module access, scope and cross-functional rights of
 * one user, replacing the targets' or merged with it. Role and status are not touched.
 */
export const copyAccess = defineOperation({
  schema: z
    .object({
      kind: z.literal('copy_access'),
      sourceUserId: z.uuid('A user id is a UUID.'),
      mode: z.enum(['replace', 'merge']).optional(),
    })
    .strict(),
  label: 'Copy access and authorizations',
  description:
    'Copies module access, scope and cross-functional rights from one user. Role, status and functional authorizations (projects, activities, sub-budgets) are not touched.',
  changeSentence: 'Will get the copied access and authorizations.',
  group: 'role_and_access',
  tone: 'default',
  forStatuses: ['created', 'invited', 'active', 'deactivated'],
  revertible: true,
  retryable: true,
  movesAdministratorRole: false,
  changesActiveAdministrators: false,
  readsAccess: true,
  tenantFacts: (operation) => ({ sourceUserId: operation.sourceUserId }),
  rule(operation, context) {
    const source = context.source;
    if (!source || source.id !== operation.sourceUserId) throw new DomainError('unknown_source_user');
    // Normalised once, not once per user: the copy is compared with every target.
    const sourceAccess = normalizeAccess(source.access);
    return (user) => {
      if (user.id === source.id) return { outcome: 'skip', reason: 'is_source' };
      const before = normalizeAccess(user.access);
      const diff = accessDiff(before, combineAccess(before, sourceAccess, operation.mode ?? 'replace'));
      return diff
        ? { outcome: 'change', before: diff.before, after: diff.after, effects: [] }
        : { outcome: 'skip', reason: 'same_access' };
    };
  },
});
