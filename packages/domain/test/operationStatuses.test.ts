import { describe, expect, it } from 'vitest';
import {
  type BulkOperation,
  OPERATION_KINDS,
  OPERATIONS,
  type OperationKind,
  operationKindsForStatus,
  planBulkOperation,
  USER_STATUSES,
  type UserStatus,
} from '../src';
import { ACTOR, BUYER_ROLE, DAY, NOW, READER_ROLE, user } from './planUserFactory';

/** One operation of each kind, whose own field differs from the probed user (another role, access). */
const SAMPLE: { [K in OperationKind]: Extract<BulkOperation, { kind: K }> } = {
  assign_role: { kind: 'assign_role', roleId: BUYER_ROLE },
  copy_access: { kind: 'copy_access', sourceUserId: '00000000-0000-7000-8000-0000000000ee' },
  invite: { kind: 'invite' },
  resend_invitation: { kind: 'resend_invitation' },
  cancel_invitation: { kind: 'cancel_invitation' },
  deactivate: { kind: 'deactivate' },
  reactivate: { kind: 'reactivate' },
};

/** A Reader of this status (a pending invitation sent long ago when invited), not the acting admin. */
function probe(status: UserStatus) {
  return user({
    status,
    roleId: READER_ROLE,
    invitation:
      status === 'invited'
        ? { lastSentAt: new Date(NOW.getTime() - DAY), expiresAt: new Date(NOW.getTime() + DAY) }
        : null,
  });
}

function changes(kind: OperationKind, status: UserStatus): boolean {
  const operation = SAMPLE[kind];
  const source = user({
    id: '00000000-0000-7000-8000-0000000000ee',
    access: { modules: { budget: 'edit' }, scope: ['unit-a'], rights: ['buyer'] },
  });
  const plan = planBulkOperation(operation, [probe(status)], {
    actorId: ACTOR,
    now: NOW,
    activeAdminCount: 2,
    invitationTtlMs: 7 * DAY,
    role: { id: BUYER_ROLE, isAdmin: false },
    source,
  });
  return plan.outcomes[0]?.outcome === 'change';
}

describe('which operations fit one user of a status (the drawer’s actions)', () => {
  it.each(OPERATION_KINDS.flatMap((kind) => USER_STATUSES.map((status) => [kind, status] as const)))(
    '%s on a %s user: declared exactly where its rule changes such a user',
    (kind, status) => {
      expect(OPERATIONS[kind].forStatuses.includes(status)).toBe(changes(kind, status));
    },
  );

  it.each([
    ['created', ['assign_role', 'copy_access', 'invite', 'deactivate']],
    ['invited', ['assign_role', 'copy_access', 'resend_invitation', 'cancel_invitation', 'deactivate']],
    ['active', ['assign_role', 'copy_access', 'deactivate']],
    ['deactivated', ['assign_role', 'copy_access', 'reactivate']],
  ] as const)('a %s user is offered %j, in the menu’s order', (status, kinds) => {
    expect(operationKindsForStatus(status)).toEqual(kinds);
  });
});
