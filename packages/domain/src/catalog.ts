/** The fixed catalogue of the platform: statuses, modules, access levels, rights (SPEC §1). */

export const USER_STATUSES = ['created', 'invited', 'active', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const MODULES = [
  'portfolio',
  'projects',
  'resources',
  'budget',
  'applications',
  'contracts',
  'suppliers',
  'reporting',
] as const;
export type Module = (typeof MODULES)[number];

export const ACCESS_LEVELS = ['none', 'read', 'edit'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
/** Levels that are stored; `none` is the absence of a row. */
export const GRANTED_ACCESS_LEVELS = ['read', 'edit'] as const;
export type GrantedAccessLevel = (typeof GRANTED_ACCESS_LEVELS)[number];

export const RIGHTS = [
  'buyer',
  'budget_manager',
  'data_export',
  'team_manager',
  'referential_editor',
  'timesheet_validator',
] as const;
export type Right = (typeof RIGHTS)[number];

export const ORG_UNIT_KINDS = ['group', 'entity', 'department'] as const;
export type OrgUnitKind = (typeof ORG_UNIT_KINDS)[number];

export const FUNCTIONAL_RESOURCE_KINDS = ['project', 'activity', 'sub_budget'] as const;
export type FunctionalResourceKind = (typeof FUNCTIONAL_RESOURCE_KINDS)[number];

export const INVITATION_STATUSES = ['pending', 'accepted', 'cancelled', 'superseded'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const BULK_OPERATION_KINDS = [
  'assign_role',
  'copy_access',
  'invite',
  'resend_invitation',
  'cancel_invitation',
  'deactivate',
  'reactivate',
  'import',
  /** Restores what another operation changed (SPEC §2 "Revert"). */
  'revert',
  /** What an identity provider changed through the SCIM endpoints: one request, or one /Bulk request. */
  'scim',
] as const;
export type BulkOperationKind = (typeof BULK_OPERATION_KINDS)[number];

export const BULK_OPERATION_STATUSES = [
  /** An import whose rows are still arriving, part by part; nothing runs yet. */
  'receiving',
  'queued',
  'running',
  'succeeded',
  'completed_with_skips',
  'failed',
  'cancelled',
] as const;
export type BulkOperationStatus = (typeof BULK_OPERATION_STATUSES)[number];

export const OUTCOMES = ['change', 'skip', 'blocked', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed', 'captured'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** The built-in roles every tenant starts with. */
export const ADMINISTRATOR_ROLE = 'Administrator';
export const BUILT_IN_ROLES = [
  ADMINISTRATOR_ROLE,
  'Portfolio manager',
  'Project manager',
  'Buyer',
  'Contributor',
  'Reader',
] as const;

const LEVEL_RANK: Record<AccessLevel, number> = { none: 0, read: 1, edit: 2 };

/** True when `level` grants at least `minimum` (edit ⊇ read ⊇ none). */
export function accessAtLeast(level: AccessLevel, minimum: AccessLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[minimum];
}
