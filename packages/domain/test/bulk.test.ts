import { describe, expect, it } from 'vitest';
import {
  BLOCKED_REASONS,
  type BulkOperation,
  bulkOperationSchema,
  type PlanContext,
  type PlanUser,
  planBulkOperation,
  reasonSentence,
  SKIP_REASONS,
  summarizeOutcomes,
} from '../src';
import { ACTOR, ADMIN_ROLE, DAY, NOW, READER_ROLE, user } from './planUserFactory';

const SOURCE = '00000000-0000-7000-8000-0000000000ee';

const admin = (overrides: Partial<PlanUser> = {}) =>
  user({ roleId: ADMIN_ROLE, roleIsAdmin: true, ...overrides });
const invited = (sentAgoMs: number) =>
  user({
    status: 'invited',
    activatedAt: null,
    invitation: {
      lastSentAt: new Date(NOW.getTime() - sentAgoMs),
      expiresAt: new Date(NOW.getTime() + 3 * DAY),
    },
  });

const context = (overrides: Partial<PlanContext> = {}): PlanContext => ({
  actorId: ACTOR,
  now: NOW,
  activeAdminCount: 3,
  invitationTtlMs: 7 * DAY,
  ...overrides,
});

function outcomeOf(operation: BulkOperation, target: PlanUser, ctx: Partial<PlanContext> = {}) {
  const [result] = planBulkOperation(operation, [target], context(ctx)).outcomes;
  if (!result) throw new Error('no outcome');
  return result.outcome === 'change'
    ? { outcome: 'change' }
    : { outcome: result.outcome, reason: result.reason };
}

const assignReader: BulkOperation = { kind: 'assign_role', roleId: READER_ROLE };
const assignAdmin: BulkOperation = { kind: 'assign_role', roleId: ADMIN_ROLE };
const readerRole = { role: { id: READER_ROLE, isAdmin: false } };
const adminRole = { role: { id: ADMIN_ROLE, isAdmin: true } };

describe('every row of the SPEC §2 table', () => {
  it.each<
    [string, BulkOperation, () => PlanUser, Partial<PlanContext>, { outcome: string; reason?: string }]
  >([
    // 1 Assign role
    ['assign a different role', assignReader, () => admin(), readerRole, { outcome: 'change' }],
    [
      'assign the role the user has',
      assignReader,
      () => user(),
      readerRole,
      { outcome: 'skip', reason: 'already_has_role' },
    ],
    [
      'assign a role to oneself',
      assignAdmin,
      () => user({ id: ACTOR }),
      adminRole,
      { outcome: 'blocked', reason: 'self' },
    ],
    [
      'demote the last active admin',
      assignReader,
      () => admin(),
      { ...readerRole, activeAdminCount: 1 },
      { outcome: 'blocked', reason: 'last_admin' },
    ],
    [
      'demote a deactivated admin with one active admin left',
      assignReader,
      () => admin({ status: 'deactivated' }),
      { ...readerRole, activeAdminCount: 1 },
      { outcome: 'change' },
    ],
    // 3 Invite
    [
      'invite a created user',
      { kind: 'invite' },
      () => user({ status: 'created', activatedAt: null }),
      {},
      { outcome: 'change' },
    ],
    [
      'invite an invited user',
      { kind: 'invite' },
      () => invited(DAY),
      {},
      { outcome: 'skip', reason: 'already_invited' },
    ],
    [
      'invite an active user',
      { kind: 'invite' },
      () => user(),
      {},
      { outcome: 'skip', reason: 'already_active' },
    ],
    [
      'invite a deactivated user',
      { kind: 'invite' },
      () => user({ status: 'deactivated' }),
      {},
      { outcome: 'skip', reason: 'deactivated' },
    ],
    // 4 Resend invitation
    ['resend after 61 s', { kind: 'resend_invitation' }, () => invited(61_000), {}, { outcome: 'change' }],
    [
      'resend after exactly 60 s',
      { kind: 'resend_invitation' },
      () => invited(60_000),
      {},
      { outcome: 'change' },
    ],
    [
      'resend after 59 s',
      { kind: 'resend_invitation' },
      () => invited(59_000),
      {},
      { outcome: 'skip', reason: 'resent_recently' },
    ],
    [
      'resend to an active user',
      { kind: 'resend_invitation' },
      () => user(),
      {},
      { outcome: 'skip', reason: 'not_invited' },
    ],
    [
      'resend to a created user',
      { kind: 'resend_invitation' },
      () => user({ status: 'created' }),
      {},
      { outcome: 'skip', reason: 'not_invited' },
    ],
    // 5 Cancel invitation
    ['cancel an invitation', { kind: 'cancel_invitation' }, () => invited(DAY), {}, { outcome: 'change' }],
    [
      'cancel for an active user',
      { kind: 'cancel_invitation' },
      () => user(),
      {},
      { outcome: 'skip', reason: 'not_invited' },
    ],
    // 6 Deactivate
    ['deactivate an active user', { kind: 'deactivate' }, () => user(), {}, { outcome: 'change' }],
    ['deactivate an invited user', { kind: 'deactivate' }, () => invited(DAY), {}, { outcome: 'change' }],
    [
      'deactivate a deactivated user',
      { kind: 'deactivate' },
      () => user({ status: 'deactivated' }),
      {},
      { outcome: 'skip', reason: 'already_deactivated' },
    ],
    [
      'deactivate oneself',
      { kind: 'deactivate' },
      () => admin({ id: ACTOR }),
      {},
      { outcome: 'blocked', reason: 'self' },
    ],
    [
      'deactivate the last active admin',
      { kind: 'deactivate' },
      () => admin(),
      { activeAdminCount: 1 },
      { outcome: 'blocked', reason: 'last_admin' },
    ],
    // 7 Reactivate
    [
      'reactivate a deactivated user',
      { kind: 'reactivate' },
      () => user({ status: 'deactivated' }),
      {},
      { outcome: 'change' },
    ],
    [
      'reactivate an active user',
      { kind: 'reactivate' },
      () => user(),
      {},
      { outcome: 'skip', reason: 'not_deactivated' },
    ],
  ])('%s', (_name, operation, target, ctx, expected) => {
    expect(outcomeOf(operation, target(), ctx)).toEqual(expected);
  });
});

describe('the changes themselves', () => {
  it('assign role: before and after are the role ids, and the Administrator role gained is said', () => {
    const target = user();
    const plan = planBulkOperation(assignAdmin, [target], context(adminRole));
    expect(plan.outcomes[0]).toEqual({
      userId: target.id,
      outcome: 'change',
      before: { roleId: READER_ROLE },
      after: { roleId: ADMIN_ROLE },
      effects: [],
      administratorRole: 'gains',
    });
    expect(plan.activeAdminCount).toBe(4);
  });

  it('invite: created → invited, with an expiry one TTL from now', () => {
    const target = user({ status: 'created', activatedAt: null });
    const [o] = planBulkOperation({ kind: 'invite' }, [target], context()).outcomes;
    expect(o).toMatchObject({
      before: { status: 'created' },
      after: { status: 'invited', invitationExpiresAt: new Date(NOW.getTime() + 7 * DAY) },
    });
  });

  it('reactivate: active when the user had ever accepted, created otherwise', () => {
    const accepted = user({ status: 'deactivated' });
    const never = user({ status: 'deactivated', activatedAt: null });
    const plan = planBulkOperation({ kind: 'reactivate' }, [accepted, never], context());
    expect(plan.outcomes.map((o) => (o.outcome === 'change' ? o.after.status : o.outcome))).toEqual([
      'active',
      'created',
    ]);
  });

  it('cancel: invited → created', () => {
    const [o] = planBulkOperation({ kind: 'cancel_invitation' }, [invited(DAY)], context()).outcomes;
    expect(o).toMatchObject({
      before: { status: 'invited' },
      after: { status: 'created', invitationExpiresAt: null },
    });
  });

  it('last_admin: deactivating every admin keeps exactly one, whoever comes last is blocked', () => {
    const admins = [admin(), admin(), admin()];
    const plan = planBulkOperation({ kind: 'deactivate' }, admins, context({ activeAdminCount: 3 }));
    expect(plan.outcomes.map((o) => o.outcome)).toEqual(['change', 'change', 'blocked']);
    expect(plan.activeAdminCount).toBe(1);
  });

  it('last_admin: promoting someone in the same operation makes room', () => {
    const plan = planBulkOperation(assignAdmin, [user()], context({ ...adminRole, activeAdminCount: 1 }));
    expect(plan.activeAdminCount).toBe(2);
  });
});

describe('copy access and authorizations', () => {
  const source = user({
    id: SOURCE,
    access: { modules: { budget: 'edit', projects: 'read' }, scope: ['unit-b', 'unit-a'], rights: ['buyer'] },
  });
  const copy = (mode?: 'replace' | 'merge'): BulkOperation => ({
    kind: 'copy_access',
    sourceUserId: SOURCE,
    mode,
  });

  it('replace (the default): the target gets exactly the source access', () => {
    const target = user({
      access: { modules: { portfolio: 'edit', budget: 'read' }, scope: ['unit-c'], rights: ['data_export'] },
    });
    const [o] = planBulkOperation(copy(), [target], context({ source })).outcomes;
    expect(o).toEqual({
      userId: target.id,
      outcome: 'change',
      before: { modules: { portfolio: 'edit', budget: 'read' }, scope: ['unit-c'], rights: ['data_export'] },
      after: {
        modules: { projects: 'read', budget: 'edit' },
        scope: ['unit-a', 'unit-b'],
        rights: ['buyer'],
      },
      effects: [],
    });
  });

  it('merge: the higher level per module, the union of scopes and rights', () => {
    const target = user({
      access: {
        modules: { portfolio: 'edit', budget: 'read', projects: 'edit' },
        scope: ['unit-c'],
        rights: ['data_export'],
      },
    });
    const [o] = planBulkOperation(copy('merge'), [target], context({ source })).outcomes;
    expect(o).toMatchObject({
      outcome: 'change',
      after: {
        modules: { portfolio: 'edit', projects: 'edit', budget: 'edit' },
        scope: ['unit-a', 'unit-b', 'unit-c'],
        rights: ['buyer', 'data_export'],
      },
    });
  });

  it('only the parts that change are in before/after', () => {
    const target = user({
      access: { modules: { budget: 'edit', projects: 'read' }, scope: ['unit-a'], rights: ['buyer'] },
    });
    const [o] = planBulkOperation(copy(), [target], context({ source })).outcomes;
    expect(o).toEqual({
      userId: target.id,
      outcome: 'change',
      before: { scope: ['unit-a'] },
      after: { scope: ['unit-a', 'unit-b'] },
      effects: [],
    });
  });

  it('same_access when nothing would change; merge of a superset changes nothing', () => {
    const same = user({
      access: {
        modules: { projects: 'read', budget: 'edit' },
        scope: ['unit-a', 'unit-b'],
        rights: ['buyer'],
      },
    });
    expect(outcomeOf(copy(), same, { source })).toEqual({ outcome: 'skip', reason: 'same_access' });
    const superset = user({
      access: {
        modules: { projects: 'edit', budget: 'edit', reporting: 'read' },
        scope: ['unit-a', 'unit-b', 'x'],
        rights: ['buyer', 'team_manager'],
      },
    });
    expect(outcomeOf(copy('merge'), superset, { source })).toEqual({
      outcome: 'skip',
      reason: 'same_access',
    });
    expect(outcomeOf(copy('replace'), superset, { source })).toEqual({ outcome: 'change' });
  });

  it('is_source for the source user itself', () => {
    expect(outcomeOf(copy(), source, { source })).toEqual({ outcome: 'skip', reason: 'is_source' });
  });

  it('never touches role or status', () => {
    const target = user({ status: 'invited' });
    const [o] = planBulkOperation(copy(), [target], context({ source })).outcomes;
    expect(o?.outcome === 'change' && Object.keys(o.after).sort()).toEqual(['modules', 'rights', 'scope']);
  });
});

describe('operation-level errors', () => {
  it('an assign without the resolved role, or a copy without its source, is refused', () => {
    expect(() => planBulkOperation(assignReader, [user()], context())).toThrow(
      expect.objectContaining({ code: 'unknown_role' }),
    );
    expect(() =>
      planBulkOperation({ kind: 'copy_access', sourceUserId: SOURCE }, [user()], context()),
    ).toThrow(expect.objectContaining({ code: 'unknown_source_user' }));
  });

  it.each([
    [{ kind: 'assign_role' }],
    [{ kind: 'assign_role', roleId: 'x' }],
    [{ kind: 'copy_access', sourceUserId: SOURCE, mode: 'overwrite' }],
    [{ kind: 'delete_everyone' }],
    [{ kind: 'deactivate', extra: true }],
    [{ kind: 'invite', message: 'x'.repeat(2001) }],
  ])('the operation %j is invalid', (operation) => {
    expect(bulkOperationSchema.safeParse(operation).success).toBe(false);
  });
});

describe('reasons', () => {
  it('every reason has a sentence, and summaries count by outcome and reason', () => {
    for (const reason of [...Object.keys(SKIP_REASONS), ...Object.keys(BLOCKED_REASONS)]) {
      expect(reasonSentence(reason)).toMatch(/\.$/);
    }
    const plan = planBulkOperation(
      { kind: 'deactivate' },
      [user(), user({ status: 'deactivated' }), admin({ id: ACTOR })],
      context(),
    );
    expect(summarizeOutcomes(plan.outcomes)).toEqual({
      total: 3,
      counts: { change: 1, skip: 1, blocked: 1 },
      reasons: { already_deactivated: 1, self: 1 },
    });
  });
});
