import type { KindTraits } from './definition';

/**
 * An import creates users from a CSV file (SPEC §3): a user it created is not deleted by a bulk
 * operation, so it cannot be reverted; its rows are not retried. It may create administrators.
 */
export const IMPORT_TRAITS: KindTraits = {
  label: 'Import',
  revertible: false,
  retryable: false,
  movesAdministratorRole: true,
  changesActiveAdministrators: false,
  readsAccess: true,
};

/**
 * A revert gives back what another operation changed (SPEC §2 "Revert"): any role, status or
 * access, so it may do what any operation does. A revert can itself be reverted and retried.
 */
export const REVERT_TRAITS: KindTraits = {
  label: 'Revert',
  revertible: true,
  retryable: true,
  movesAdministratorRole: true,
  changesActiveAdministrators: true,
  readsAccess: true,
};
