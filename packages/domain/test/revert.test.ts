import { describe, expect, it } from 'vitest';
import {
  BULK_OPERATION_KINDS,
  canRetry,
  canRevert,
  type PlanUser,
  planRevert,
  type RecordedChange,
  type RevertContext,
  recordedChangeSchema,
} from '../src';
import { ACTOR, ADMIN_ROLE, BUYER_ROLE, DAY, NOW, READER_ROLE, user } from './planUserFactory';

/** The users of these tests are Buyers unless told otherwise. */
const buyer = (overrides: Partial<PlanUser> = {}) => user({ roleId: BUYER_ROLE, ...overrides });

const context = (overrides: Partial<RevertContext> = {}): RevertContext => ({
  actorId: ACTOR,
  now: NOW,
  activeAdminCount: 3,
  invitationTtlMs: 7 * DAY,
  adminRoleIds: new Set([ADMIN_ROLE]),
  ...overrides,
});

function revertOne(target: PlanUser, recorded: RecordedChange, ctx: Partial<RevertContext> = {}) {
  const [outcome] = planRevert([{ user: target, recorded }], context(ctx)).outcomes;
  if (!outcome) throw new Error('no outcome');
  return outcome;
}

const assigned: RecordedChange = { before: { roleId: READER_ROLE }, after: { roleId: BUYER_ROLE } };
const deactivated = (from: PlanUser['status']): RecordedChange => ({
  before: { status: from },
  after: { status: 'deactivated' },
});

describe('revert: each changed user given back as it was', () => {
  it.each<[string, () => PlanUser, RecordedChange, Partial<RevertContext>, string]>([
    ['a role given back', () => buyer(), assigned, {}, 'change'],
    [
      'a role changed again since',
      () => buyer({ roleId: ADMIN_ROLE, roleIsAdmin: true }),
      assigned,
      {},
      'blocked:changed_since',
    ],
    ['a deactivation undone', () => buyer({ status: 'deactivated' }), deactivated('active'), {}, 'change'],
    [
      'a user reactivated since by someone else',
      () => buyer(),
      deactivated('active'),
      {},
      'blocked:changed_since',
    ],
    [
      'an invitation cancelled since',
      () => buyer({ status: 'created', activatedAt: null }),
      {
        before: { status: 'created' },
        after: { status: 'invited', invitationExpiresAt: new Date(NOW.getTime() + DAY) },
      },
      {},
      'blocked:changed_since',
    ],
    ['the acting admin’s own role', () => buyer({ id: ACTOR }), assigned, {}, 'blocked:self'],
    [
      'the last active administrator demoted by the revert',
      () => buyer({ roleId: ADMIN_ROLE, roleIsAdmin: true }),
      { before: { roleId: READER_ROLE }, after: { roleId: ADMIN_ROLE } },
      { activeAdminCount: 1 },
      'blocked:last_admin',
    ],
    [
      'an administrator demoted by the revert while others remain',
      () => buyer({ roleId: ADMIN_ROLE, roleIsAdmin: true }),
      { before: { roleId: READER_ROLE }, after: { roleId: ADMIN_ROLE } },
      { activeAdminCount: 2 },
      'change',
    ],
    [
      'access copied since by someone else',
      () => buyer({ access: { modules: { budget: 'edit' }, scope: [], rights: [] } }),
      { before: { modules: {} }, after: { modules: { budget: 'read' } } },
      {},
      'blocked:changed_since',
    ],
    [
      'a user an identity provider created (nothing before): not deleted',
      () => buyer({ status: 'created' }),
      { before: {}, after: { email: 'ada@example.com', status: 'created' }, version: 1 },
      {},
      'skip:created_by_operation',
    ],
    [
      'a rename given back',
      () => buyer({ email: 'new@example.com', version: 3 }),
      { before: { email: 'old@example.com' }, after: { email: 'new@example.com' }, version: 3 },
      {},
      'change',
    ],
    [
      'a rename whose old e-mail another user has now',
      () => buyer({ email: 'new@example.com', version: 3 }),
      { before: { email: 'old@example.com' }, after: { email: 'new@example.com' }, version: 3 },
      { takenEmails: new Set(['old@example.com']) },
      'blocked:email_taken',
    ],
    [
      'a user renamed again since',
      () => buyer({ email: 'newer@example.com' }),
      { before: { email: 'old@example.com' }, after: { email: 'new@example.com' } },
      {},
      'blocked:changed_since',
    ],
  ])('%s', (_name, target, recorded, ctx, expected) => {
    const o = revertOne(target(), recorded, ctx);
    expect(o.outcome === 'change' ? 'change' : `${o.outcome}:${o.reason}`).toBe(expected);
  });

  it('a user changed again since, even back to what the operation left, is changed_since (by version)', () => {
    const recorded = { ...assigned, version: 2 };
    expect(revertOne(buyer({ version: 2 }), recorded).outcome).toBe('change');
    const changedBack = revertOne(buyer({ version: 4 }), recorded);
    expect(changedBack.outcome === 'blocked' && changedBack.reason).toBe('changed_since');
  });

  it('gives back exactly the recorded fields, with the current values as before', () => {
    const o = revertOne(buyer(), assigned);
    expect(o).toMatchObject({
      outcome: 'change',
      before: { roleId: BUYER_ROLE },
      after: { roleId: READER_ROLE },
    });
  });

  it('a user deactivated while invited gets a new invitation with a fresh expiry', () => {
    const o = revertOne(buyer({ status: 'deactivated', activatedAt: null }), deactivated('invited'));
    expect(o).toEqual({
      userId: expect.any(String),
      outcome: 'change',
      before: { status: 'deactivated', invitationExpiresAt: null },
      after: { status: 'invited', invitationExpiresAt: new Date(NOW.getTime() + 7 * DAY) },
      effects: ['send_invitation'],
    });
  });

  it('an invitation taken back: invited → created, the pending invitation gone', () => {
    const expiresAt = new Date(NOW.getTime() + 2 * DAY);
    const o = revertOne(
      buyer({ status: 'invited', activatedAt: null, invitation: { lastSentAt: NOW, expiresAt } }),
      { before: { status: 'created' }, after: { status: 'invited', invitationExpiresAt: expiresAt } },
    );
    expect(o).toMatchObject({
      outcome: 'change',
      before: { status: 'invited', invitationExpiresAt: expiresAt },
      after: { status: 'created', invitationExpiresAt: null },
      effects: ['cancel_pending_invitation'],
    });
  });

  it('copied access given back part by part; unrelated parts are not compared', () => {
    const target = buyer({
      access: { modules: { budget: 'read', projects: 'edit' }, scope: ['unit-b'], rights: ['buyer'] },
    });
    const o = revertOne(target, {
      before: { modules: { projects: 'edit' } },
      after: { modules: { budget: 'read', projects: 'edit' } },
    });
    expect(o).toMatchObject({
      outcome: 'change',
      before: { modules: { budget: 'read', projects: 'edit' } },
      after: { modules: { projects: 'edit' } },
    });
    expect(o.outcome === 'change' && 'scope' in o.after).toBe(false);
  });

  it('decides in order: demoting two of two administrators blocks the second', () => {
    const recorded: RecordedChange = { before: { roleId: READER_ROLE }, after: { roleId: ADMIN_ROLE } };
    const admins = [
      buyer({ roleId: ADMIN_ROLE, roleIsAdmin: true }),
      buyer({ roleId: ADMIN_ROLE, roleIsAdmin: true }),
    ];
    const plan = planRevert(
      admins.map((u) => ({ user: u, recorded })),
      context({ activeAdminCount: 2 }),
    );
    expect(plan.outcomes.map((o) => (o.outcome === 'blocked' ? o.reason : o.outcome))).toEqual([
      'change',
      'last_admin',
    ]);
    expect(plan.activeAdminCount).toBe(1);
  });
});

describe('what can be reverted', () => {
  it('every operation but a resend and an import (a SCIM operation is, but for the users it created)', () => {
    expect(BULK_OPERATION_KINDS.filter((k) => !canRevert(k))).toEqual(['resend_invitation', 'import']);
  });

  it('a rename and a status change given back at once: names as recorded, the status by its rule', () => {
    const o = revertOne(buyer({ email: 'new@example.com', status: 'deactivated', version: 5 }), {
      before: { email: 'old@example.com', lastName: 'Old', status: 'active' },
      after: { email: 'new@example.com', lastName: 'New', status: 'deactivated' },
      version: 5,
    });
    expect(o).toMatchObject({
      outcome: 'change',
      before: { email: 'new@example.com', lastName: 'New', status: 'deactivated' },
      after: { email: 'old@example.com', lastName: 'Old', status: 'active' },
      effects: [],
    });
  });

  it('the failed users of every operation but an import and a SCIM request can be retried', () => {
    expect(BULK_OPERATION_KINDS.filter((k) => !canRetry(k))).toEqual(['import', 'scim']);
  });

  it('recorded changes come back from their JSON with dates as dates', () => {
    const stored = JSON.parse(JSON.stringify({ status: 'invited', invitationExpiresAt: NOW }));
    expect(recordedChangeSchema.parse(stored)).toEqual({ status: 'invited', invitationExpiresAt: NOW });
    expect(recordedChangeSchema.safeParse({ status: 'gone' }).success).toBe(false);
    expect(recordedChangeSchema.parse({ email: 'a@b.c', firstName: 'A', detail: 'x' })).toEqual({
      email: 'a@b.c',
      firstName: 'A',
    });
  });
});
