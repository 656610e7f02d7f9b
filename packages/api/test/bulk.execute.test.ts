import { randomUUID } from 'node:crypto';
import {
  administratorRoleId,
  apiTokens,
  auditEvents,
  bulkOperations,
  emailOutbox,
  functionalMemberships,
  functionalResources,
  invitations,
  moduleAccess,
  roles,
  sessions,
  users,
} from '@roster/db';
import { createTestDb, type TestDb } from '@roster/db/testing';
import { SELECTION_MAX_IDS } from '@roster/domain';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Context, createCaller } from '../src';
import { defaultApiConfig } from '../src/config';
import { claimOperation, INLINE_MAX_USERS, runOperation } from '../src/runner/runOperation';
import { addUsers as addUsersTo } from './bulkFixtures';
import { type Caller, expectApiError, NOW, newAdmin } from './userFixtures';

let testDb: TestDb;
let caller: Caller;
let adminCtx: Context;
let actorId: string;
let readerRole: string;
let buyerRole: string;

beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(() => testDb.close());
beforeEach(async () => {
  await testDb.reset();
  ({ caller, id: actorId, ctx: adminCtx } = await newAdmin(testDb.db));
  const all = await testDb.db.select({ id: roles.id, name: roles.name }).from(roles);
  readerRole = all.find((r) => r.name === 'Reader')?.id ?? '';
  buyerRole = all.find((r) => r.name === 'Buyer')?.id ?? '';
});

type Status = 'created' | 'invited' | 'active' | 'deactivated';
async function addUsers(n: number, status: Status, extra: { admin?: boolean; activated?: boolean } = {}) {
  const roleId = extra.admin ? await administratorRoleId(testDb.db) : readerRole;
  return addUsersTo(testDb.db, n, status, roleId, extra);
}

const userRows = (ids: string[]) => testDb.db.select().from(users).where(inArray(users.id, ids));
const auditFor = (operationId: string) =>
  testDb.db.select().from(auditEvents).where(eq(auditEvents.operationId, operationId));

describe('bulk.execute, small selections (finished inside the request)', () => {
  it('assign role: changes, skips and blocks exactly as the preview said, with audit and results', async () => {
    const targets = await addUsers(3, 'active');
    const already = await addUsers(1, 'active');
    await testDb.db.update(users).set({ roleId: buyerRole }).where(inArray(users.id, already));
    const selection = { ids: [...targets, ...already, actorId] };
    const operation = { kind: 'assign_role' as const, roleId: buyerRole };
    const preview = await caller.bulk.preview({ operation, selection });
    const op = await caller.bulk.execute({ operationId: randomUUID(), operation, selection });
    expect(op).toMatchObject({ status: 'completed_with_skips', total: 5, processed: 5 });
    expect(op.counts).toEqual({ ...preview.counts, failed: 0 });
    expect(op.counts).toEqual({ change: 3, skip: 1, blocked: 1, failed: 0 });
    for (const row of await userRows(targets)) expect(row).toMatchObject({ roleId: buyerRole, version: 2 });
    const [actor] = await userRows([actorId]);
    expect(actor?.roleId).toBe(await administratorRoleId(testDb.db));
    const audit = await auditFor(op.id);
    expect(audit.map((a) => a.userId).sort()).toEqual([...targets].sort());
    expect(audit[0]).toMatchObject({
      actorId,
      action: 'user.assign_role',
      before: { roleId: readerRole },
      after: { roleId: buyerRole },
    });
    const results = await caller.bulk.results({ id: op.id });
    expect(results.items.map((r) => [r.outcome, r.reason])).toEqual([
      ['change', null],
      ['change', null],
      ['change', null],
      ['skip', 'already_has_role'],
      ['blocked', 'self'],
    ]);
    expect((await caller.bulk.results({ id: op.id, outcome: 'blocked' })).items).toEqual([
      expect.objectContaining({
        userId: actorId,
        reason: 'self',
        sentence: 'You cannot do this to your own account.',
      }),
    ]);
  });

  it('results come in pages that follow each other, filtered by outcome and reason', async () => {
    const active = await addUsers(5, 'active');
    const already = await addUsers(2, 'deactivated');
    const ids = [...active, ...already, actorId];
    const op = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { ids },
    });
    const seen: string[] = [];
    let cursor: number | undefined;
    let pages = 0;
    do {
      const page = await caller.bulk.results({ id: op.id, limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((r) => r.userId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const skipped = await caller.bulk.results({ id: op.id, reason: 'already_deactivated' });
    expect(skipped.items.map((r) => r.userId)).toEqual(already);
    expect(skipped.nextCursor).toBeNull();
    const changed = await caller.bulk.results({ id: op.id, outcome: 'change', limit: 2 });
    expect(changed.items.map((r) => r.userId)).toEqual(active.slice(0, 2));
    const rest = await caller.bulk.results({ id: op.id, outcome: 'change', cursor: changed.nextCursor ?? 0 });
    expect(rest.items.map((r) => r.userId)).toEqual(active.slice(2));
  });

  it('the history comes in pages, newest first, each page after the one before', async () => {
    const [user = ''] = await addUsers(1, 'active');
    const made: string[] = [];
    for (const kind of ['deactivate', 'reactivate', 'deactivate'] as const) {
      const op = await caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind },
        selection: { ids: [user] },
      });
      made.push(op.id);
    }
    // This caller's clock stands still: operations of the same time come by id, highest first.
    const order = [...made].sort().reverse();
    const first = await caller.bulk.list({ limit: 2 });
    expect(first.items.map((o) => o.id)).toEqual(order.slice(0, 2));
    expect(first.nextCursor).not.toBeNull();
    const second = await caller.bulk.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((o) => o.id)).toEqual(order.slice(2));
    expect(second.nextCursor).toBeNull();
  });

  it('deactivate: cancels the pending invitation, revokes sessions and API tokens', async () => {
    const [active = ''] = await addUsers(1, 'active');
    const [invited = ''] = await addUsers(1, 'invited');
    await testDb.db
      .insert(sessions)
      .values({ userId: active, tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 86_400_000) });
    await testDb.db
      .insert(apiTokens)
      .values({ userId: active, name: 't', tokenHash: randomUUID(), prefix: 'rst_x' });
    const op = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { ids: [active, invited] },
    });
    expect(op).toMatchObject({ status: 'succeeded', counts: { change: 2, skip: 0, blocked: 0, failed: 0 } });
    for (const row of await userRows([active, invited])) expect(row.status).toBe('deactivated');
    const [invitation] = await testDb.db.select().from(invitations).where(eq(invitations.userId, invited));
    expect(invitation?.status).toBe('cancelled');
    const [session] = await testDb.db.select().from(sessions).where(eq(sessions.userId, active));
    expect(session?.revokedAt).not.toBeNull();
    const [token] = await testDb.db.select().from(apiTokens).where(eq(apiTokens.userId, active));
    expect(token?.revokedAt).not.toBeNull();
  });

  it('reactivate: active when the user had accepted, created otherwise', async () => {
    const [accepted = ''] = await addUsers(1, 'deactivated', { activated: true });
    const [never = ''] = await addUsers(1, 'deactivated');
    await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'reactivate' },
      selection: { ids: [accepted, never] },
    });
    const rows = await userRows([accepted, never]);
    expect(rows.find((r) => r.id === accepted)?.status).toBe('active');
    expect(rows.find((r) => r.id === never)?.status).toBe('created');
  });

  it('invite, resend and cancel: invitations, hashed tokens and queued e-mails', async () => {
    const created = await addUsers(2, 'created');
    const invite = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'invite', message: 'Welcome <b>aboard</b>' },
      selection: { ids: created },
    });
    expect(invite.error).toBeNull();
    expect(invite.counts.change).toBe(2);
    const pending = await testDb.db.select().from(invitations).where(inArray(invitations.userId, created));
    expect(pending.map((i) => i.status)).toEqual(['pending', 'pending']);
    expect(pending[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const mails = await testDb.db.select().from(emailOutbox).where(eq(emailOutbox.operationId, invite.id));
    expect(mails).toHaveLength(2);
    expect(mails[0]?.html).toContain('Welcome &#60;b&#62;aboard&#60;/b&#62;');
    expect(mails[0]?.text).toMatch(/\/invite\/[A-Za-z0-9_-]{43}/);

    // Sent just now: a resend is skipped as too soon.
    const tooSoon = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'resend_invitation' },
      selection: { ids: created },
    });
    expect(tooSoon.counts).toMatchObject({ change: 0, skip: 2 });
    await testDb.db
      .update(invitations)
      .set({ lastSentAt: new Date(NOW.getTime() - 120_000) })
      .where(inArray(invitations.userId, created));
    const resend = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'resend_invitation' },
      selection: { ids: created },
    });
    expect(resend.counts.change).toBe(2);
    const all = await testDb.db.select().from(invitations).where(inArray(invitations.userId, created));
    expect(all.filter((i) => i.status === 'superseded')).toHaveLength(2);
    expect(all.filter((i) => i.status === 'pending').map((i) => i.sentCount)).toEqual([2, 2]);
    // The resent invitation keeps the message it was sent with.
    expect(all.filter((i) => i.status === 'pending').map((i) => i.message)).toEqual([
      'Welcome <b>aboard</b>',
      'Welcome <b>aboard</b>',
    ]);

    const cancel = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'cancel_invitation' },
      selection: { ids: created },
    });
    expect(cancel.counts.change).toBe(2);
    for (const row of await userRows(created)) expect(row.status).toBe('created');
    const after = await testDb.db
      .select()
      .from(invitations)
      .where(and(inArray(invitations.userId, created), eq(invitations.status, 'pending')));
    expect(after).toHaveLength(0);
  });

  it('copy access replaces module access and leaves functional memberships alone', async () => {
    const [source = '', target = ''] = await addUsers(2, 'active');
    await testDb.db.insert(moduleAccess).values([
      { userId: source, module: 'budget', level: 'edit' },
      { userId: target, module: 'portfolio', level: 'read' },
    ]);
    const [project] = await testDb.db
      .insert(functionalResources)
      .values({ kind: 'project', name: 'P' })
      .returning();
    await testDb.db.insert(functionalMemberships).values({ userId: target, resourceId: project?.id ?? '' });
    const op = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'copy_access', sourceUserId: source },
      selection: { ids: [target] },
    });
    expect(op.counts.change).toBe(1);
    const access = await testDb.db.select().from(moduleAccess).where(eq(moduleAccess.userId, target));
    expect(access.map((a) => [a.module, a.level])).toEqual([['budget', 'edit']]);
    expect(
      await testDb.db.select().from(functionalMemberships).where(eq(functionalMemberships.userId, target)),
    ).toHaveLength(1);
  });
});

describe('idempotency and refusals', () => {
  it('a retried apply returns the same operation and changes nothing twice', async () => {
    const ids = await addUsers(2, 'active');
    const input = {
      operationId: randomUUID(),
      operation: { kind: 'deactivate' as const },
      selection: { ids },
    };
    const first = await caller.bulk.execute(input);
    const again = await caller.bulk.execute(input);
    expect(again).toEqual(first);
    // The same users in another order, with a repeat and in capitals, are the same selection.
    const [one = '', two = ''] = ids;
    expect(
      await caller.bulk.execute({ ...input, selection: { ids: [two.toUpperCase(), one, two] } }),
    ).toEqual(first);
    expect(await auditFor(first.id)).toHaveLength(2);
    await expectApiError(
      caller.bulk.execute({ ...input, operation: { kind: 'reactivate' } }),
      'CONFLICT',
      'operation_conflict',
    );
    // The same id with other users is another operation, not a retry.
    const [other = ''] = await addUsers(1, 'active');
    await expectApiError(
      caller.bulk.execute({ ...input, selection: { ids: [one, other] } }),
      'CONFLICT',
      'operation_conflict',
    );
    await expectApiError(
      caller.bulk.execute({ ...input, selection: { filter: { status: ['active'] }, expectedCount: 2 } }),
      'CONFLICT',
      'operation_conflict',
    );
    expect((await userRows([other]))[0]?.status).toBe('active');
  });

  it('refuses a selection over the limit, saying so, writing nothing', async () => {
    const ids = Array.from({ length: SELECTION_MAX_IDS + 1 }, () => randomUUID());
    const before = await testDb.db.select().from(bulkOperations);
    for (const call of [
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'deactivate' },
        selection: { ids },
      }),
      caller.bulk.preview({ operation: { kind: 'deactivate' }, selection: { ids } }),
    ]) {
      const error = await expectApiError(call, 'BAD_REQUEST', 'invalid_input');
      expect(error.message).toContain('A selection holds at most 100,000 users.');
    }
    expect(await testDb.db.select().from(bulkOperations)).toEqual(before);
  });

  it('refuses a changed filter, an unconfirmed promotion, and unknown users, writing nothing', async () => {
    const ids = await addUsers(3, 'created');
    const before = await testDb.db.select().from(bulkOperations);
    await expectApiError(
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'invite' },
        selection: { filter: { status: ['created'] }, expectedCount: 4 },
      }),
      'CONFLICT',
      'selection_changed',
    );
    await expectApiError(
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'assign_role', roleId: await administratorRoleId(testDb.db) },
        selection: { ids },
      }),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    await expectApiError(
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'invite' },
        selection: { ids: [...ids, randomUUID()] },
      }),
      'NOT_FOUND',
      'user_not_found',
    );
    await expectApiError(
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'assign_role', roleId: randomUUID() },
        selection: { ids },
      }),
      'BAD_REQUEST',
      'unknown_role',
    );
    expect(await testDb.db.select().from(bulkOperations)).toEqual(before);
    for (const row of await userRows(ids)) expect(row.status).toBe('created');
    const confirmed = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: await administratorRoleId(testDb.db) },
      selection: { ids },
      confirmPrivileged: true,
    });
    expect(confirmed.counts.change).toBe(3);
  });

  it('refuses an unconfirmed demotion of administrators, writing nothing; accepts it confirmed', async () => {
    const admins = await addUsers(2, 'active', { admin: true });
    const readers = await addUsers(2, 'active');
    const before = await testDb.db.select().from(bulkOperations);
    const demote = (selection: Parameters<Caller['bulk']['execute']>[0]['selection'], confirm?: boolean) =>
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'assign_role', roleId: buyerRole },
        selection,
        confirmPrivileged: confirm,
      });
    await expectApiError(
      demote({ ids: [...readers, ...admins] }),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    // All active users (the acting admin among them, blocked as `self`): two administrators lost.
    await expectApiError(
      demote({ filter: { status: ['active'] }, expectedCount: 5 }),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    expect(await testDb.db.select().from(bulkOperations)).toEqual(before);
    for (const row of await userRows(admins)) expect(row.roleId).toBe(await administratorRoleId(testDb.db));

    // Nothing to confirm when no administrator would lose the role: only Readers, or only oneself.
    const plain = await demote({ ids: readers });
    expect(plain.counts.change).toBe(2);
    const self = await demote({ ids: [actorId] });
    expect(self.counts).toMatchObject({ change: 0, blocked: 1 });

    const confirmed = await demote({ ids: admins }, true);
    expect(confirmed.counts.change).toBe(2);
    for (const row of await userRows(admins)) expect(row.roleId).toBe(buyerRole);
  });
});

describe('large selections run in the background', () => {
  const config = { ...defaultApiConfig, bulkLeaseMs: 1_000 };
  /** Batches are cut at Apply: a caller whose operations run in batches of `size` users. */
  const callerWithBatches = (size: number) =>
    createCaller({ ...adminCtx, config: { ...adminCtx.config, bulkBatchSize: size } });

  it('resume after a crash with every user processed exactly once', async () => {
    const ids = await addUsers(INLINE_MAX_USERS + 50, 'active');
    const op = await callerWithBatches(200).bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { filter: { status: ['active'], roleIds: [readerRole] }, expectedCount: ids.length },
    });
    expect(op.status).toBe('queued');
    // A worker takes it, does two batches and dies without a word.
    const t0 = new Date();
    expect(await claimOperation(testDb.db, config, t0)).toBe(op.id);
    await runOperation(testDb.db, op.id, config, { maxBatches: 2 });
    expect((await caller.bulk.get({ id: op.id })).processed).toBe(400);
    // Its lease still holds: nobody else takes the operation yet.
    expect(await claimOperation(testDb.db, config, new Date(t0.getTime() + 500))).toBeNull();
    // Once the lease has run out, another worker takes it over and finishes it.
    const later = new Date(Date.now() + 5_000);
    expect(await claimOperation(testDb.db, config, later)).toBe(op.id);
    await runOperation(testDb.db, op.id, config);
    const done = await caller.bulk.get({ id: op.id });
    expect(done).toMatchObject({
      status: 'succeeded',
      processed: ids.length,
      counts: { change: ids.length },
    });
    const audit = await auditFor(op.id);
    expect(audit).toHaveLength(ids.length);
    expect(new Set(audit.map((a) => a.userId)).size).toBe(ids.length);
    for (const row of await userRows(ids)) expect(row.version).toBe(2);
  });

  it('two conflicting operations on the same users never lose an update', async () => {
    const ids = await addUsers(300, 'active');
    const [a, b] = await Promise.all([
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'assign_role', roleId: buyerRole },
        selection: { ids },
      }),
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'deactivate' },
        selection: { ids },
      }),
    ]);
    expect(a?.counts.change).toBe(300);
    expect(b?.counts.change).toBe(300);
    for (const row of await userRows(ids)) {
      expect(row).toMatchObject({ roleId: buyerRole, status: 'deactivated', version: 3 });
    }
  });

  it('two admins deactivating each other at once: one succeeds, the other is blocked as the last administrator', async () => {
    // The only two active administrators: the test's admin and this one.
    const other = await newAdmin(testDb.db);
    const admins = await testDb.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.status, 'active'), eq(users.roleId, await administratorRoleId(testDb.db))));
    expect(admins).toHaveLength(2);
    const [a, b] = await Promise.all([
      caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'deactivate' },
        selection: { ids: [other.id] },
      }),
      other.caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'deactivate' },
        selection: { ids: [actorId] },
      }),
    ]);
    expect([a.counts.change, b.counts.change].sort()).toEqual([0, 1]);
    const blocked = a.counts.change === 0 ? a : b;
    expect(blocked.counts.blocked).toBe(1);
    const results = await caller.bulk.results({ id: blocked.id });
    expect(results.items[0]).toMatchObject({ outcome: 'blocked', reason: 'last_admin' });
    const still = await userRows([actorId, other.id]);
    expect(still.filter((u) => u.status === 'active')).toHaveLength(1);
  });

  it('two invites of the same users at once: each user gets one invitation, the later run skips them', async () => {
    const ids = await addUsers(200, 'created');
    const [a, b] = await Promise.all(
      [1, 2].map(() =>
        caller.bulk.execute({ operationId: randomUUID(), operation: { kind: 'invite' }, selection: { ids } }),
      ),
    );
    // Decided on locked, current rows: whichever ran second found the users invited already.
    expect((a?.counts.change ?? 0) + (b?.counts.change ?? 0)).toBe(200);
    expect((a?.counts.skip ?? 0) + (b?.counts.skip ?? 0)).toBe(200);
    expect((a?.counts.failed ?? 0) + (b?.counts.failed ?? 0)).toBe(0);
    const sent = await testDb.db.select().from(invitations).where(inArray(invitations.userId, ids));
    expect(sent).toHaveLength(200);
    expect(new Set(sent.map((i) => i.userId)).size).toBe(200);
  });

  it('cancel stops between batches; what was done stays done', async () => {
    const ids = await addUsers(INLINE_MAX_USERS + 10, 'active');
    const op = await callerWithBatches(100).bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { filter: { status: ['active'], roleIds: [readerRole] }, expectedCount: ids.length },
    });
    await claimOperation(testDb.db, config, new Date());
    await runOperation(testDb.db, op.id, config, { maxBatches: 1 });
    await caller.bulk.cancel({ id: op.id });
    await runOperation(testDb.db, op.id, config);
    const cancelled = await caller.bulk.get({ id: op.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', processed: 100 });
    expect(await auditFor(op.id)).toHaveLength(100);
    await expectApiError(caller.bulk.cancel({ id: op.id }), 'CONFLICT', 'operation_finished');
    const history = await caller.bulk.list();
    expect(history.items[0]).toMatchObject({
      id: op.id,
      kind: 'deactivate',
      status: 'cancelled',
      actor: { id: actorId },
    });
  });
});
