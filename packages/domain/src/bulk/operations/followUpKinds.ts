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

/**
 * The SCIM writes of an identity provider (issue 20): users created, renamed, deactivated,
 * reactivated or moved between roles (groups); a /Bulk request is one operation, the single writes of
 * a token one operation per minute. A revert gives back the renames, status changes and role moves
 * (the provider may set them again on its next sync); the users it created stay, as an import's do.
 * Not retried: the provider retries. It never moves the Administrator role; deactivating can remove
 * an administrator.
 */
export const SCIM_TRAITS: KindTraits = {
  label: 'Provisioning (SCIM)',
  revertible: true,
  retryable: false,
  movesAdministratorRole: false,
  changesActiveAdministrators: true,
  readsAccess: false,
};
