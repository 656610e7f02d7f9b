/**
 * Type-level tests of the operation registry, checked by `pnpm typecheck` (not run): each
 * `@ts-expect-error` fails the typecheck the day the line below it compiles, i.e. the day a kind
 * could be added, or a definition left out, without the compiler naming it.
 */
import type { z } from 'zod';
import {
  type BulkOperation,
  OPERATIONS,
  type OperationDefinition,
  type OperationKind,
  type SchemasMatchTheirKinds,
} from '../src';
import { deactivate } from '../src/bulk/operations/deactivate';

/** A kind of the catalog without its definition is a compile error. */
const { reactivate: _left, ...withoutReactivate } = OPERATIONS;
// @ts-expect-error: 'reactivate' is missing
withoutReactivate satisfies Record<OperationKind, OperationDefinition>;

/** A ninth kind in the catalog (`__not_a_kind`) without its definition is a compile error. */
// @ts-expect-error: '__not_a_kind' is missing
OPERATIONS satisfies Record<OperationKind | '__not_a_kind', OperationDefinition>;

/** A definition missing a field (here its label) is a compile error. */
const { label: _label, ...unlabelled } = deactivate;
// @ts-expect-error: 'label' is missing
unlabelled satisfies OperationDefinition;

/** Every exhaustive map over the kinds (web fields, CLI options) is typed this way. */
const perKind: Record<OperationKind, null> = {
  assign_role: null,
  copy_access: null,
  invite: null,
  resend_invitation: null,
  cancel_invitation: null,
  deactivate: null,
  // @ts-expect-error: only registered kinds
  __not_a_kind: null,
  reactivate: null,
};

/** The union of operations is read from the registry's schemas. */
const _assigned: BulkOperation = { kind: 'assign_role', roleId: '00000000-0000-7000-8000-000000000001' };
// @ts-expect-error: an operation of a kind nobody registered
const _unlock: BulkOperation = { kind: '__not_a_kind' };
type _SchemasMatch = SchemasMatchTheirKinds;
type _Inferred = z.infer<(typeof OPERATIONS)['copy_access']['schema']>['mode'];

export { type _Inferred, type _SchemasMatch, perKind };
