import { z } from 'zod';
import { BULK_OPERATION_KINDS, type BulkOperationKind, type UserStatus } from '../../catalog';
import type { PlanContext, PlanUser } from '../plan';
import { assignRole } from './assignRole';
import { cancelInvitation } from './cancelInvitation';
import { copyAccess } from './copyAccess';
import { deactivate } from './deactivate';
import type { Decision, KindTraits, OperationDefinition, TenantFacts } from './definition';
import { IMPORT_TRAITS, REVERT_TRAITS, SCIM_TRAITS } from './followUpKinds';
import { invite } from './invite';
import { reactivate } from './reactivate';
import { resendInvitation } from './resendInvitation';

export * from './definition';
export { RESEND_MIN_INTERVAL_MS } from './resendInvitation';

/** The kinds an administrator applies to a selection (SPEC §2); imports, reverts and SCIM requests start otherwise. */
export type OperationKind = Exclude<BulkOperationKind, 'import' | 'revert' | 'scim'>;

/** A definition for every kind an administrator applies, and for nothing else. */
export type OperationRegistry = Record<OperationKind, OperationDefinition>;

/**
 * Every operation of SPEC §2, one declaration each (`./<kind>.ts`). A kind in the catalog without
 * its definition here, or a definition missing a field, does not compile; nor does a schema whose
 * `kind` is not its key (below).
 */
export const OPERATIONS = {
  assign_role: assignRole,
  copy_access: copyAccess,
  invite,
  resend_invitation: resendInvitation,
  cancel_invitation: cancelInvitation,
  deactivate,
  reactivate,
} satisfies OperationRegistry;

type Assert<T extends true> = T;
/** Each definition's schema takes the kind it is registered under. */
export type SchemasMatchTheirKinds = Assert<
  {
    [K in OperationKind]: z.infer<(typeof OPERATIONS)[K]['schema']>['kind'] extends K ? true : false;
  }[OperationKind]
>;

/** The operation kinds in the menu's order. */
export const OPERATION_KINDS: readonly OperationKind[] = BULK_OPERATION_KINDS.filter(isOperationKind);

/**
 * The operations that fit one user of this status, in the menu's order: each can change such a user
 * (as its declaration says, held to its rule by the domain's tests). One user's drawer offers these.
 */
export function operationKindsForStatus(status: UserStatus): OperationKind[] {
  return OPERATION_KINDS.filter((kind) => OPERATIONS[kind].forStatuses.includes(status));
}

export function isOperationKind(kind: string): kind is OperationKind {
  return Object.hasOwn(OPERATIONS, kind);
}

/** The seven operations of SPEC §2, as the API and the CLI take them. */
export const bulkOperationSchema = z.discriminatedUnion('kind', [
  OPERATIONS.assign_role.schema,
  OPERATIONS.copy_access.schema,
  OPERATIONS.invite.schema,
  OPERATIONS.resend_invitation.schema,
  OPERATIONS.cancel_invitation.schema,
  OPERATIONS.deactivate.schema,
  OPERATIONS.reactivate.schema,
]);
export type BulkOperation = z.infer<typeof bulkOperationSchema>;
export type BulkOperationKindOf<K extends BulkOperation['kind']> = Extract<BulkOperation, { kind: K }>;
/** The union above holds every registered kind. */
export type SchemaHoldsEveryKind = Assert<OperationKind extends BulkOperation['kind'] ? true : false>;

/** An operation's definition with its parameters bound in: what the engine and the preview call. */
export type BoundOperation = KindTraits & {
  kind: OperationKind;
  /** The tenant facts its rule needs (a role, a source user), by id. */
  tenantFacts: TenantFacts;
  /** Its rule for these parameters, prepared once per plan: the decision for one user. */
  rule(context: PlanContext): (user: PlanUser) => Decision;
};

function bind<Schema extends z.ZodObject>(
  kind: OperationKind,
  definition: OperationDefinition<Schema>,
  operation: z.infer<Schema>,
): BoundOperation {
  return {
    ...definition,
    kind,
    tenantFacts: definition.tenantFacts(operation),
    rule: (context) => definition.rule(operation, context),
  };
}

/** The definition of an operation's kind, bound to the operation. */
export function boundOperation(operation: BulkOperation): BoundOperation {
  switch (operation.kind) {
    case 'assign_role':
      return bind(operation.kind, OPERATIONS.assign_role, operation);
    case 'copy_access':
      return bind(operation.kind, OPERATIONS.copy_access, operation);
    case 'invite':
      return bind(operation.kind, OPERATIONS.invite, operation);
    case 'resend_invitation':
      return bind(operation.kind, OPERATIONS.resend_invitation, operation);
    case 'cancel_invitation':
      return bind(operation.kind, OPERATIONS.cancel_invitation, operation);
    case 'deactivate':
      return bind(operation.kind, OPERATIONS.deactivate, operation);
    case 'reactivate':
      return bind(operation.kind, OPERATIONS.reactivate, operation);
  }
}

/** What every kind of bulk operation declares, imports and reverts included. */
export const KIND_TRAITS: Record<BulkOperationKind, KindTraits> = {
  ...OPERATIONS,
  import: IMPORT_TRAITS,
  revert: REVERT_TRAITS,
  scim: SCIM_TRAITS,
};
