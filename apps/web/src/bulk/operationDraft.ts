import type { BulkOperation, BulkOperationKindOf, OperationKind } from '@roster/domain';
import type { UserRow } from '../users/UsersTable';

export type CopyMode = 'replace' | 'merge';

/** What the admin has chosen so far for the operation's own field (all that decides outcomes). */
export type OperationDraft = {
  kind: OperationKind;
  roleId: string | null;
  /** The listed row of the user whose access is copied (its state feeds the browser preview). */
  source: UserRow | null;
  mode: CopyMode;
};

export function newDraft(kind: OperationKind): OperationDraft {
  return { kind, roleId: null, source: null, mode: 'replace' };
}

/** Each kind's operation from a draft, or `null` while its own field is still empty. */
const FROM_DRAFT: { [K in OperationKind]: (draft: OperationDraft) => BulkOperationKindOf<K> | null } = {
  assign_role: (draft) => (draft.roleId ? { kind: 'assign_role', roleId: draft.roleId } : null),
  copy_access: (draft) =>
    draft.source ? { kind: 'copy_access', sourceUserId: draft.source.id, mode: draft.mode } : null,
  invite: () => ({ kind: 'invite' }),
  resend_invitation: () => ({ kind: 'resend_invitation' }),
  cancel_invitation: () => ({ kind: 'cancel_invitation' }),
  deactivate: () => ({ kind: 'deactivate' }),
  reactivate: () => ({ kind: 'reactivate' }),
};

/** The operation to preview, or `null` while its own field is still empty. */
export function operationFromDraft(draft: OperationDraft): BulkOperation | null {
  return FROM_DRAFT[draft.kind](draft);
}

/** The operation to apply: an invitation carries the admin's message (it changes no outcome). */
export function withInvitationMessage(operation: BulkOperation, message: string): BulkOperation {
  const text = message.trim();
  return operation.kind === 'invite' && text ? { kind: 'invite', message: text } : operation;
}
