import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BULK_OPERATION_KINDS,
  type BulkOperation,
  bulkOperationSchema,
  CHANGE_EFFECTS,
  canMoveAdministratorRole,
  canRetry,
  canRevert,
  KIND_TRAITS,
  OPERATION_KINDS,
  OPERATIONS,
  type OperationKind,
  type PlanContext,
  type PlanUser,
  planBulkOperation,
  statusChangeEffects,
  USER_STATUSES,
} from '../src';
import { ACTOR, ADMIN_ROLE, DAY, NOW, READER_ROLE } from './planUserFactory';

const SOURCE = '00000000-0000-7000-8000-0000000000ee';

/** One operation of every registered kind (the union is exhaustive: a new kind must be added here). */
const SAMPLES: { [K in OperationKind]: readonly Extract<BulkOperation, { kind: K }>[] } = {
  assign_role: [
    { kind: 'assign_role', roleId: READER_ROLE },
    { kind: 'assign_role', roleId: ADMIN_ROLE },
  ],
  copy_access: [
    { kind: 'copy_access', sourceUserId: SOURCE },
    { kind: 'copy_access', sourceUserId: SOURCE, mode: 'merge' },
  ],
  invite: [{ kind: 'invite' }, { kind: 'invite', message: 'Welcome' }],
  resend_invitation: [{ kind: 'resend_invitation' }],
  cancel_invitation: [{ kind: 'cancel_invitation' }],
  deactivate: [{ kind: 'deactivate' }],
  reactivate: [{ kind: 'reactivate' }],
};
const operations: BulkOperation[] = OPERATION_KINDS.flatMap((kind) => [...SAMPLES[kind]]);

const userArbitrary = (id: string): fc.Arbitrary<PlanUser> =>
  fc.record({
    id: fc.constant(id),
    email: fc.constant(`${id}@example.com`),
    status: fc.constantFrom(...USER_STATUSES),
    roleId: fc.constantFrom(READER_ROLE, ADMIN_ROLE),
    roleIsAdmin: fc.boolean(),
    activatedAt: fc.option(fc.constant(new Date('2026-01-01T00:00:00Z')), { nil: null }),
    access: fc.record({
      modules: fc.constantFrom({}, { budget: 'edit' as const }, { projects: 'read' as const }),
      scope: fc.constantFrom([], ['unit-a'], ['unit-a', 'unit-b']),
      rights: fc.constantFrom([], ['buyer' as const]),
    }),
    invitation: fc.option(
      fc.record({
        lastSentAt: fc.integer({ min: 0, max: 3 * 60_000 }).map((ago) => new Date(NOW.getTime() - ago)),
        expiresAt: fc.constant(new Date(NOW.getTime() + DAY)),
      }),
      { nil: null },
    ),
    version: fc.nat({ max: 5 }),
  });

/** A selection of distinct users, the acting admin and the copied user among them at times. */
const IDS = [
  ACTOR,
  SOURCE,
  ...Array.from({ length: 60 }, (_, n) => `00000000-0000-7000-8000-${String(n + 1).padStart(12, '0')}`),
];
const usersArbitrary = fc
  .uniqueArray(fc.constantFrom(...IDS), { maxLength: 40 })
  .chain((ids) => fc.tuple(...ids.map(userArbitrary)));

const sourceUser: PlanUser = {
  id: SOURCE,
  email: 'source@example.com',
  status: 'active',
  roleId: READER_ROLE,
  roleIsAdmin: false,
  activatedAt: NOW,
  access: { modules: { budget: 'edit' }, scope: ['unit-b'], rights: ['buyer'] },
  invitation: null,
  version: 1,
};

function contextFor(operation: BulkOperation, activeAdminCount: number): PlanContext {
  return {
    actorId: ACTOR,
    now: NOW,
    activeAdminCount,
    invitationTtlMs: 7 * DAY,
    role: { id: operation.kind === 'assign_role' ? operation.roleId : READER_ROLE, isAdmin: false },
    source: sourceUser,
  };
}

describe('the operation registry', () => {
  it('every selected user gets exactly one outcome, in order, whatever the kind and the users', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...operations),
        usersArbitrary,
        fc.integer({ min: 0, max: 3 }),
        (operation, users, admins) => {
          const plan = planBulkOperation(operation, users, contextFor(operation, admins));
          expect(plan.outcomes.map((o) => o.userId)).toEqual(users.map((u) => u.id));
          for (const o of plan.outcomes) {
            expect(['change', 'skip', 'blocked']).toContain(o.outcome);
            if (o.outcome === 'change') for (const e of o.effects) expect(CHANGE_EFFECTS).toContain(e);
          }
          expect(plan.activeAdminCount).toBeGreaterThanOrEqual(Math.min(admins, 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('registers every kind of the catalog but imports, reverts and SCIM requests, and each schema takes its own kind', () => {
    expect([...OPERATION_KINDS].sort()).toEqual(
      BULK_OPERATION_KINDS.filter((k) => k !== 'import' && k !== 'revert' && k !== 'scim').sort(),
    );
    for (const kind of OPERATION_KINDS) {
      expect(bulkOperationSchema.parse(SAMPLES[kind][0]).kind).toBe(kind);
      expect(OPERATIONS[kind].schema.safeParse({ kind: 'not_a_kind' }).success).toBe(false);
    }
  });

  it('the traits the engine reads are each kind’s own declaration', () => {
    expect(BULK_OPERATION_KINDS.filter(canRevert)).toEqual([
      'assign_role',
      'copy_access',
      'invite',
      'cancel_invitation',
      'deactivate',
      'reactivate',
      'revert',
      'scim',
    ]);
    expect(BULK_OPERATION_KINDS.filter((k) => !canRetry(k))).toEqual(['import', 'scim']);
    expect(BULK_OPERATION_KINDS.filter(canMoveAdministratorRole)).toEqual([
      'assign_role',
      'import',
      'revert',
    ]);
    expect(BULK_OPERATION_KINDS.filter((k) => KIND_TRAITS[k].changesActiveAdministrators)).toEqual([
      'assign_role',
      'deactivate',
      'reactivate',
      'revert',
      'scim',
    ]);
  });
});

describe('named effects of a change', () => {
  it.each([
    ['created', 'invited', ['send_invitation']],
    ['invited', 'created', ['cancel_pending_invitation']],
    ['active', 'deactivated', ['cancel_pending_invitation', 'revoke_sign_ins']],
    ['invited', 'deactivated', ['cancel_pending_invitation', 'revoke_sign_ins']],
    ['deactivated', 'active', []],
    ['deactivated', 'created', []],
    ['deactivated', 'invited', ['send_invitation']],
  ] as const)('%s → %s', (from, to, effects) => {
    expect(statusChangeEffects(from, to)).toEqual(effects);
  });

  it('each operation names the effects of its change', () => {
    const base: PlanUser = { ...sourceUser, id: '00000000-0000-7000-8000-000000000001' };
    const effectsOf = (operation: BulkOperation, user: PlanUser) => {
      const [o] = planBulkOperation(operation, [user], contextFor(operation, 3)).outcomes;
      return o?.outcome === 'change' ? o.effects : null;
    };
    const invitation = { lastSentAt: new Date(NOW.getTime() - DAY), expiresAt: NOW };
    expect(effectsOf({ kind: 'deactivate' }, base)).toEqual(['cancel_pending_invitation', 'revoke_sign_ins']);
    expect(effectsOf({ kind: 'invite' }, { ...base, status: 'created' })).toEqual(['send_invitation']);
    expect(effectsOf({ kind: 'resend_invitation' }, { ...base, status: 'invited', invitation })).toEqual([
      'resend_invitation',
    ]);
    expect(effectsOf({ kind: 'cancel_invitation' }, { ...base, status: 'invited', invitation })).toEqual([
      'cancel_pending_invitation',
    ]);
    expect(effectsOf({ kind: 'reactivate' }, { ...base, status: 'deactivated' })).toEqual([]);
    expect(effectsOf({ kind: 'assign_role', roleId: ADMIN_ROLE }, base)).toEqual([]);
  });
});
