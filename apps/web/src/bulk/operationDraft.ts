import type { BulkOperation } from '@roster/domain';
import type { UserRow } from '../users/UsersTable';

export type CopyMode = 'replace' | 'merge';

/** What the admin has chosen so far for the operation's own field (all that decides outcomes). */
export type OperationDraft = {
  kind: BulkOperation['kind'];
  roleId: string | null;
  /** The listed row of the user whose access is copied (its state feeds the browser preview). */
  source: UserRow | null;
  mode: CopyMode;
};

export function newDraft(kind: BulkOperation['kind']): OperationDraft {
  return { kind, roleId: null, source: null, mode: 'replace' };
}

/** The operation to preview, or `null` while its own field is still empty. */
export function operationFromDraft(draft: OperationDraft): BulkOperation | null {
  switch (draft.kind) {
    case 'assign_role':
      return draft.roleId ? { kind: 'assign_role', roleId: draft.roleId } : null;
    case 'copy_access':
      return draft.source ? { kind: 'copy_access', sourceUserId: draft.source.id, mode: draft.mode } : null;
    default:
      return { kind: draft.kind };
  }
}

/** The operation to apply: an invitation carries the admin's message (it changes no outcome). */
export function withInvitationMessage(operation: BulkOperation, message: string): BulkOperation {
  const text = message.trim();
  return operation.kind === 'invite' && text ? { kind: 'invite', message: text } : operation;
}
