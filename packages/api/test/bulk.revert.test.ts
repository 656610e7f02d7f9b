import { randomUUID } from 'node:crypto';
import {
  auditEvents,
  bulkOperations,
  emailOutbox,
  invitations,
  moduleAccess,
  queryRows,
  sessions,
  users,
} from '@roster/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { createCaller } from '../src';
import { claimOperation, INLINE_MAX_USERS, runOperation } from '../src/runner/runOperation';
import { callByPath, callerWithConfig, expectTRPCError, START, useHarness } from './harness';

const h = useHarness({ admin: true });

const revert = (id: string, confirmPrivileged?: boolean) =>
  h.admin.caller.bulk.revert({ operationId: randomUUID(), id, confirmPrivileged });
const outcomes = async (id: string) =>
  (await h.admin.caller.bulk.results({ id })).items.map((r) =>
    r.outcome === 'change' ? 'change' : `${r.outcome}:${r.reason}`,
  );
const operationCount = async () =>
  (await h.db.select({ n: sql<number>`count(*)::int` }).from(bulkOperations))[0]?.n;

describe('bulk.revert', () => {
  it('numbers its results with the positions of the results it gives back, past the users it left alone', async () => {
    const [first, already, last] = await h.createUsers(3, { status: 'active', role: 'Reader' });
    if (!first || !already || !last) throw new Error('users not created');
    await h.db
      .update(users)
      .set({ roleId: h.roleId('Buyer') })
      .where(eq(users.id, already));
    const assigned = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, [
      first,
      already,
      last,
    ]);
    const reverted = await revert(assigned.id);
    expect(reverted).toMatchObject({ status: 'succeeded', total: 2 });
    const positions = (id: string) =>
      queryRows<{ position: number; user_id: string; outcome: string }>(
        h.db,
        sql`select position, user_id::text as user_id, outcome::text as outcome
          from bulk_operation_items where operation_id = ${id} order by position`,
      );
    expect(await positions(assigned.id)).toEqual([
      { position: 1, user_id: first, outcome: 'change' },
      { position: 2, user_id: already, outcome: 'skip' },
      { position: 3, user_id: last, outcome: 'change' },
    ]);
    // The skipped user's position stays empty: a retry of the revert finds each change by its own.
    expect(await positions(reverted.id)).toEqual([
      { position: 1, user_id: first, outcome: 'change' },
      { position: 3, user_id: last, outcome: 'change' },
    ]);
  });

  it('assign role: gives each role back, blocks the users changed again since, audits the revert', async () => {
    const ids = await h.createUsers(3, { status: 'active', role: 'Reader' });
    const assigned = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids);
    const [changedSince = ''] = ids;
    await h.db
      .update(users)
      .set({ roleId: h.roleId('Reader') })
      .where(eq(users.id, changedSince));
    await h.db
      .update(users)
      .set({ roleId: h.roleId('Buyer') })
      .where(eq(users.id, changedSince));
    await h.db
      .update(users)
      .set({ roleId: h.roleId('Administrator') })
      .where(eq(users.id, changedSince));

    // The preview says it first, with the same rule, and writes nothing.
    const operations = await operationCount();
    const preview = await h.admin.caller.bulk.previewRevert({ id: assigned.id });
    expect(preview).toMatchObject({
      total: 3,
      counts: { change: 2, skip: 0, blocked: 1 },
      reasons: { changed_since: 1 },
      becomeAdministrators: 0,
    });
    expect(preview.samples['blocked:changed_since']?.map((u) => u.userId)).toEqual([changedSince]);
    expect(await operationCount()).toBe(operations);

    const reverted = await revert(assigned.id);
    expect(reverted).toMatchObject({
      kind: 'revert',
      status: 'completed_with_skips',
      total: 3,
      sourceOperationId: assigned.id,
    });
    expect(reverted.counts).toEqual({ change: 2, skip: 0, blocked: 1, failed: 0 });
    expect(await outcomes(reverted.id)).toEqual(['blocked:changed_since', 'change', 'change']);
    const rows = await h.userRows(ids);
    expect(rows.map((r) => r.roleId)).toEqual([
      h.roleId('Administrator'),
      h.roleId('Reader'),
      h.roleId('Reader'),
    ]);
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.operationId, reverted.id));
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      actorId: h.admin.user.id,
      action: 'user.revert',
      before: { roleId: h.roleId('Buyer') },
      after: { roleId: h.roleId('Reader') },
    });
    // Operations history lists it beside the operation it reverts (both at the test clock's time).
    const history = await h.admin.caller.bulk.list();
    expect(history.items.find((o) => o.id === reverted.id)).toMatchObject({
      kind: 'revert',
      sourceOperationId: assigned.id,
    });
  });

  it('deactivate ↔ reactivate: the active come back active, the invited get a new invitation', async () => {
    const [active = ''] = await h.createUsers(1, { status: 'active', role: 'Reader' });
    const [invited = ''] = await h.createUsers(1, { status: 'invited', role: 'Reader' });
    await h.db
      .insert(sessions)
      .values({ userId: active, tokenHash: randomUUID(), expiresAt: new Date(START.getTime() + 86_400_000) });
    const deactivation = await h.apply({ kind: 'deactivate' }, [active, invited]);
    expect(deactivation.counts.change).toBe(2);

    const reverted = await revert(deactivation.id);
    expect(reverted.counts).toEqual({ change: 2, skip: 0, blocked: 0, failed: 0 });
    const byId = new Map((await h.userRows([active, invited])).map((r) => [r.id, r]));
    expect(byId.get(active)?.status).toBe('active');
    expect(byId.get(invited)?.status).toBe('invited');
    // A revoked session stays revoked: the user signs in anew.
    const [session] = await h.db.select().from(sessions).where(eq(sessions.userId, active));
    expect(session?.revokedAt).not.toBeNull();
    const pending = await h.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.userId, invited), eq(invitations.status, 'pending')));
    expect(pending).toHaveLength(1);
    expect(pending[0]?.operationId).toBe(reverted.id);
    const mails = await h.db.select().from(emailOutbox).where(eq(emailOutbox.operationId, reverted.id));
    expect(mails).toHaveLength(1);

    // And the revert of the revert deactivates them again, with its own effects.
    const again = await revert(reverted.id);
    expect(again.counts.change).toBe(2);
    expect((await h.userRows([active, invited])).map((r) => r.status)).toEqual([
      'deactivated',
      'deactivated',
    ]);
    const stillPending = await h.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.userId, invited), eq(invitations.status, 'pending')));
    expect(stillPending).toHaveLength(0);
  });

  it('a user changed again since, even back to what the operation left, is not reverted', async () => {
    const ids = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const [bounced = ''] = ids;
    const deactivation = await h.apply({ kind: 'deactivate' }, ids);
    // Someone else reactivates one of them and deactivates them again: the same status, a newer change.
    await h.apply({ kind: 'reactivate' }, [bounced]);
    await h.apply({ kind: 'deactivate' }, [bounced]);
    const reverted = await revert(deactivation.id);
    expect(reverted.counts).toEqual({ change: 1, skip: 0, blocked: 1, failed: 0 });
    const byUser = new Map(
      (await h.admin.caller.bulk.results({ id: reverted.id })).items.map((r) => [r.userId, r.reason]),
    );
    expect(byUser.get(bounced)).toBe('changed_since');
    expect((await h.userRows([bounced]))[0]?.status).toBe('deactivated');
  });

  it('invite ↔ cancel invitation: the invitation is cancelled and its link stops working', async () => {
    const ids = await h.createUsers(2, { status: 'created', role: 'Reader' });
    const invite = await h.apply({ kind: 'invite' }, ids);
    const reverted = await revert(invite.id);
    expect(reverted.counts.change).toBe(2);
    expect((await h.userRows(ids)).map((r) => r.status)).toEqual(['created', 'created']);
    const rows = await h.db.select().from(invitations).where(inArray(invitations.userId, ids));
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('cancel invitation ↔ invite: invited again with a new link valid from the revert, sent once', async () => {
    const ids = await h.createUsers(2, { status: 'created', role: 'Reader' });
    await h.apply({ kind: 'invite' }, ids);
    // Past the first invitations' validity: giving their old expiry back would send a dead link.
    h.clock.set(new Date(START.getTime() + (h.config.invitationTtlDays + 1) * 86_400_000));
    const cancelled = await h.apply({ kind: 'cancel_invitation' }, ids);
    expect(cancelled.counts.change).toBe(2);
    const reverted = await revert(cancelled.id);
    expect(reverted.counts).toEqual({ change: 2, skip: 0, blocked: 0, failed: 0 });
    expect((await h.userRows(ids)).map((r) => r.status)).toEqual(['invited', 'invited']);
    const pending = await h.db
      .select()
      .from(invitations)
      .where(and(inArray(invitations.userId, ids), eq(invitations.status, 'pending')));
    expect(pending.map((p) => [p.operationId, p.expiresAt.getTime()])).toEqual(
      ids.map(() => [reverted.id, h.clock.now().getTime() + h.config.invitationTtlDays * 86_400_000]),
    );
    const mails = await h.db.select().from(emailOutbox).where(eq(emailOutbox.operationId, reverted.id));
    expect(mails).toHaveLength(2);
  });

  it('an invitation resent since is a change since: reverting the first invite leaves the new link alone', async () => {
    const ids = await h.createUsers(2, { status: 'created', role: 'Reader' });
    const [resent = '', untouched = ''] = ids;
    const invite = await h.apply({ kind: 'invite' }, ids);
    const versions = new Map((await h.userRows(ids)).map((u) => [u.id, u.version]));
    // Sent two minutes ago: a resend is due.
    await h.db
      .update(invitations)
      .set({ lastSentAt: new Date(START.getTime() - 120_000) })
      .where(eq(invitations.userId, resent));
    expect((await h.apply({ kind: 'resend_invitation' }, [resent])).counts.change).toBe(1);
    const [after] = await h.userRows([resent]);
    expect(after?.version).toBe((versions.get(resent) ?? 0) + 1);

    const reverted = await revert(invite.id);
    expect(reverted.counts).toMatchObject({ change: 1, blocked: 1 });
    const byUser = new Map(
      (await h.admin.caller.bulk.results({ id: reverted.id })).items.map((r) => [r.userId, r]),
    );
    expect(byUser.get(resent)).toMatchObject({ outcome: 'blocked', reason: 'changed_since' });
    expect(byUser.get(untouched)).toMatchObject({ outcome: 'change' });
    const pending = await h.db
      .select({ userId: invitations.userId })
      .from(invitations)
      .where(and(inArray(invitations.userId, ids), eq(invitations.status, 'pending')));
    expect(pending).toEqual([{ userId: resent }]);
  });

  it('copy access: each user’s own access comes back; functional memberships untouched', async () => {
    const [source = '', target = ''] = await h.createUsers(2, { status: 'active', role: 'Reader' });
    await h.db.insert(moduleAccess).values([
      { userId: source, module: 'budget', level: 'edit' },
      { userId: target, module: 'projects', level: 'read' },
    ]);
    const copy = await h.apply({ kind: 'copy_access', sourceUserId: source }, [target]);
    expect(copy.counts.change).toBe(1);
    const reverted = await revert(copy.id);
    expect(reverted.counts.change).toBe(1);
    const access = await h.db.select().from(moduleAccess).where(eq(moduleAccess.userId, target));
    expect(access.map((a) => [a.module, a.level])).toEqual([['projects', 'read']]);
  });

  it('refuses, writing nothing: unknown, unfinished, not revertible, nothing changed, unconfirmed admins', async () => {
    const before = await operationCount();
    await expectTRPCError(revert(randomUUID()), 'NOT_FOUND', 'operation_not_found');
    for (const input of [
      { operationId: 'not-a-uuid', id: randomUUID() },
      { id: randomUUID() },
      { operationId: randomUUID(), id: randomUUID(), extra: 1 },
    ]) {
      for (const path of ['bulk.revert', 'bulk.retry']) {
        await expectTRPCError(
          callByPath(h.admin.ctx, { path, type: 'mutation' }, input),
          'BAD_REQUEST',
          'invalid_input',
        );
      }
    }
    const invitedIds = await h.createUsers(1, { status: 'invited', role: 'Reader' });
    const resend = await h.apply({ kind: 'resend_invitation' }, invitedIds);
    await expectTRPCError(revert(resend.id), 'BAD_REQUEST', 'not_revertible');
    await expectTRPCError(
      h.admin.caller.bulk.previewRevert({ id: resend.id }),
      'BAD_REQUEST',
      'not_revertible',
    );
    await expectTRPCError(
      h.admin.caller.bulk.previewRevert({ id: randomUUID() }),
      'NOT_FOUND',
      'operation_not_found',
    );
    const skipped = await h.apply({ kind: 'reactivate' }, invitedIds);
    expect(skipped.counts.change).toBe(0);
    await expectTRPCError(revert(skipped.id), 'BAD_REQUEST', 'nothing_to_revert');
    const many = await h.createUsers(INLINE_MAX_USERS + 1, { status: 'active', role: 'Reader' });
    const queued = await h.admin.caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { ids: many },
      confirmCount: many.length,
    });
    expect(queued.status).toBe('queued');
    await expectTRPCError(revert(queued.id), 'CONFLICT', 'operation_not_finished');
    const demoted = await h.createUsers(1, { status: 'active', role: 'Administrator' });
    const demotion = await h.apply({ kind: 'assign_role', roleId: h.roleId('Reader') }, demoted, true);
    expect((await h.admin.caller.bulk.previewRevert({ id: demotion.id })).becomeAdministrators).toBe(1);
    await expectTRPCError(revert(demotion.id), 'PRECONDITION_FAILED', 'confirmation_required');
    expect(await operationCount()).toBe((before ?? 0) + 4);
    expect((await h.userRows(demoted))[0]?.roleId).toBe(h.roleId('Reader'));
    const confirmed = await revert(demotion.id, true);
    expect(confirmed.counts.change).toBe(1);
    expect((await h.userRows(demoted))[0]?.roleId).toBe(h.roleId('Administrator'));
  });

  it('the revert’s preview and its start decide the Administrator role by the same rule', async () => {
    const adminRole = h.roleId('Administrator');
    // A demotion whose users were all changed again since: nothing comes back, nothing to confirm.
    const demoted = await h.createUsers(2, { status: 'active', role: 'Administrator' });
    const demotion = await h.apply({ kind: 'assign_role', roleId: h.roleId('Reader') }, demoted, true);
    await h.db
      .update(users)
      .set({ roleId: h.roleId('Buyer') })
      .where(inArray(users.id, demoted));
    expect(await h.admin.caller.bulk.previewRevert({ id: demotion.id })).toMatchObject({
      counts: { change: 0, blocked: 2 },
      becomeAdministrators: 0,
      loseAdministratorRole: 0,
    });
    const nothingBack = await revert(demotion.id);
    expect(nothingBack.counts).toEqual({ change: 0, skip: 0, blocked: 2, failed: 0 });

    // A promotion reverted takes the role away: the preview counts it, the start asks to confirm it.
    const promoted = await h.createUsers(3, { status: 'active', role: 'Reader' });
    const promotion = await h.apply({ kind: 'assign_role', roleId: adminRole }, promoted, true);
    const preview = await h.admin.caller.bulk.previewRevert({ id: promotion.id });
    expect(preview).toMatchObject({
      counts: { change: 3 },
      becomeAdministrators: 0,
      loseAdministratorRole: 3,
      roleChanges: [{ fromRoleId: adminRole, toRoleId: h.roleId('Reader'), count: 3 }],
    });
    await expectTRPCError(revert(promotion.id), 'PRECONDITION_FAILED', 'confirmation_required');
    expect((await h.userRows(promoted)).map((u) => u.roleId)).toEqual([adminRole, adminRole, adminRole]);
    const confirmed = await revert(promotion.id, true);
    expect(confirmed.counts.change).toBe(3);
    expect((await h.userRows(promoted)).map((u) => u.roleId)).toEqual([
      h.roleId('Reader'),
      h.roleId('Reader'),
      h.roleId('Reader'),
    ]);
  });

  it('is idempotent on its operation id; the same id for something else is a conflict', async () => {
    const ids = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const assigned = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids);
    const operationId = randomUUID();
    const first = await h.admin.caller.bulk.revert({ operationId, id: assigned.id });
    const again = await h.admin.caller.bulk.revert({ operationId, id: assigned.id });
    expect(again).toEqual(first);
    expect(
      await h.db.select().from(auditEvents).where(eq(auditEvents.operationId, operationId)),
    ).toHaveLength(2);
    await expectTRPCError(
      h.admin.caller.bulk.retry({ operationId, id: assigned.id }),
      'CONFLICT',
      'operation_conflict',
    );
  });

  it('two reverts of different operations sent at once under one id: the other is refused', async () => {
    const ids = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const toBuyer = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids.slice(0, 1));
    const toContributor = await h.apply(
      { kind: 'assign_role', roleId: h.roleId('Contributor') },
      ids.slice(1),
    );
    const operationId = randomUUID();
    const settled = await Promise.allSettled([
      h.admin.caller.bulk.revert({ operationId, id: toBuyer.id }),
      h.admin.caller.bulk.revert({ operationId, id: toContributor.id }),
    ]);
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
    expect(refused, 'one of the two refused').toHaveLength(1);
    await expectTRPCError(Promise.reject(refused[0]), 'CONFLICT', 'operation_conflict');
  });
});

/** Updates of the users `doomed` fail on an unexpected error until `allowUpdates()`. */
async function refuseUpdatesOf(doomed: string[]) {
  await h.db.execute(
    sql.raw(`create or replace function refuse_update() returns trigger language plpgsql as $$
    begin if new.id = any('{${doomed.join(',')}}'::uuid[]) then raise exception 'disk on fire'; end if; return new; end $$`),
  );
  await h.db.execute(
    sql`create trigger refuse_update before update on users for each row execute function refuse_update()`,
  );
}
async function allowUpdates() {
  await h.db.execute(sql`drop trigger refuse_update on users`);
  await h.db.execute(sql`drop function refuse_update()`);
}

/** An assign-role operation that fails on `doomed` (and on the users after it in its batch). */
async function failedAssignment(ids: string[], doomed: string[], roleId: string, batchSize = 3) {
  await refuseUpdatesOf(doomed);
  const small = callerWithConfig(h.admin.ctx, { bulkBatchSize: batchSize });
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  const started = await small.bulk.execute({
    operationId: randomUUID(),
    operation: { kind: 'assign_role', roleId },
    selection: { ids },
  });
  await runQueued(started.id, batchSize);
  logged.mockRestore();
  await allowUpdates();
  return h.admin.caller.bulk.get({ id: started.id });
}

/** Runs an operation too large for its request as a worker would, `maxBatches` batches of it at most. */
async function runQueued(id: string, batchSize: number, maxBatches?: number) {
  const config = { ...h.admin.ctx.config, bulkBatchSize: batchSize };
  await claimOperation(h.db, config, new Date(), id);
  await runOperation(h.db, id, config, maxBatches ? { maxBatches } : {});
}

const auditedUsers = async (operationId: string) =>
  (
    await h.db
      .select({ userId: auditEvents.userId })
      .from(auditEvents)
      .where(eq(auditEvents.operationId, operationId))
  ).map((e) => e.userId);

describe('bulk.retry covers each failed user once', () => {
  it('a second retry of the same operation is nothing_to_retry and leaves newer changes alone', async () => {
    const ids = await h.createUsers(6, { status: 'active', role: 'Reader' });
    const failed = await failedAssignment(ids, [ids[3] ?? ''], h.roleId('Buyer'));
    expect(failed).toMatchObject({ status: 'failed', counts: { change: 3, failed: 3 } });
    const retried = await h.admin.caller.bulk.retry({ operationId: randomUUID(), id: failed.id });
    expect(retried).toMatchObject({ status: 'succeeded', total: 3, counts: { change: 3 } });

    // Someone gives the retried users another role; retrying the old operation again must not undo it.
    const operations = await operationCount();
    await h.db
      .update(users)
      .set({ roleId: h.roleId('Reader') })
      .where(inArray(users.id, ids.slice(3)));
    await expectTRPCError(
      h.admin.caller.bulk.retry({ operationId: randomUUID(), id: failed.id }),
      'BAD_REQUEST',
      'nothing_to_retry',
    );
    expect((await h.userRows(ids.slice(3))).map((r) => r.roleId)).toEqual(
      (await h.userRows(ids.slice(3))).map(() => h.roleId('Reader')),
    );
    // The refused retry left nothing behind.
    expect(await operationCount()).toBe(operations);
  });

  it('takes the failed users alone: not those skipped or blocked', async () => {
    const [changed = '', doomed = '', ...rest] = await h.createUsers(4, { status: 'active', role: 'Reader' });
    const [alreadyBuyer = ''] = await h.createUsers(1, { status: 'active', role: 'Buyer' });
    // In batches of three: a change, a skip (already a Buyer), a block (the administrator's own role);
    // then a batch that fails.
    const ids = [changed, alreadyBuyer, h.admin.user.id, doomed, ...rest];
    const failed = await failedAssignment(ids, [doomed], h.roleId('Buyer'));
    expect(failed).toMatchObject({ status: 'failed', counts: { change: 1, skip: 1, blocked: 1, failed: 3 } });
    const retried = await h.admin.caller.bulk.retry({ operationId: randomUUID(), id: failed.id });
    expect(retried).toMatchObject({ status: 'succeeded', total: 3, counts: { change: 3 } });
    expect((await auditedUsers(retried.id)).sort()).toEqual([doomed, ...rest].sort());
    expect((await h.userRows([h.admin.user.id]))[0]?.roleId).toBe(h.roleId('Administrator'));
  });

  it('two retries started at once: one takes every failed user, the other is nothing_to_retry', async () => {
    const ids = await h.createUsers(9, { status: 'active', role: 'Reader' });
    const failed = await failedAssignment(ids, [ids[3] ?? ''], h.roleId('Buyer'));
    expect(failed).toMatchObject({ status: 'failed', counts: { change: 3, failed: 6 } });
    const other = createCaller({ ...h.admin.ctx });
    const settled = await Promise.allSettled([
      h.admin.caller.bulk.retry({ operationId: randomUUID(), id: failed.id }),
      other.bulk.retry({ operationId: randomUUID(), id: failed.id }),
    ]);
    const done = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ status: 'succeeded', total: 6, counts: { change: 6 } });
    expect(refused).toHaveLength(1);
    await expectTRPCError(Promise.reject(refused[0]), 'BAD_REQUEST', 'nothing_to_retry');
    // Each failed user was changed (and audited) once.
    const audited = await auditedUsers(done[0]?.id ?? '');
    expect(audited.sort()).toEqual(ids.slice(3).sort());
  });

  it('a cancelled retry gives the users it did not reach back, for a later retry', async () => {
    const ids = await h.createUsers(INLINE_MAX_USERS + 10, { status: 'active', role: 'Reader' });
    const failed = await failedAssignment(ids, ids, h.roleId('Buyer'), 100);
    expect(failed).toMatchObject({ status: 'failed', counts: { failed: ids.length } });
    // Too large to run inside the request: queued for the workers, and cancelled before any runs it.
    const queued = await h.admin.caller.bulk.retry({ operationId: randomUUID(), id: failed.id });
    expect(queued).toMatchObject({ status: 'queued', total: ids.length });
    expect(await h.admin.caller.bulk.cancel({ id: queued.id })).toMatchObject({
      status: 'cancelled',
      processed: 0,
    });
    // Cancelled after one batch of 100: the other users are given back.
    const small = callerWithConfig(h.admin.ctx, { bulkBatchSize: 100 });
    const running = await small.bulk.retry({ operationId: randomUUID(), id: failed.id });
    expect(running).toMatchObject({ status: 'queued', total: ids.length });
    await runQueued(running.id, 100, 1);
    await h.admin.caller.bulk.cancel({ id: running.id });
    await runQueued(running.id, 100);
    expect(await h.admin.caller.bulk.get({ id: running.id })).toMatchObject({
      status: 'cancelled',
      processed: 100,
    });
    const rest = await h.admin.caller.bulk.retry({ operationId: randomUUID(), id: failed.id });
    expect(rest).toMatchObject({ total: ids.length - 100 });
    await runQueued(rest.id, 100);
    expect(await h.admin.caller.bulk.get({ id: rest.id })).toMatchObject({
      status: 'succeeded',
      counts: { change: ids.length - 100 },
    });
    await expectTRPCError(
      h.admin.caller.bulk.retry({ operationId: randomUUID(), id: failed.id }),
      'BAD_REQUEST',
      'nothing_to_retry',
    );
    expect((await h.userRows(ids)).every((r) => r.roleId === h.roleId('Buyer'))).toBe(true);
  });
});

describe('bulk.retry', () => {
  it('runs the users that failed on an unexpected error again, with the same parameters', async () => {
    const ids = await h.createUsers(6, { status: 'active', role: 'Reader' });
    // An unexpected error in the second batch: a trigger refuses one user's update.
    const [, , , doomed = ''] = ids;
    await refuseUpdatesOf([doomed]);
    const small = callerWithConfig(h.admin.ctx, { bulkBatchSize: 3 });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failed = await small.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
      selection: { ids },
    });
    expect(failed).toMatchObject({ status: 'failed', processed: 6, counts: { change: 3, failed: 3 } });
    // People read a sentence with the operation's id; the database's words go to the server log.
    const shown = (await small.bulk.get({ id: failed.id })).error;
    expect(shown).toBe(
      `An unexpected error stopped this operation. Its details are in the server log under operation ${failed.id}.`,
    );
    expect(logged.mock.calls.flat().join('\n')).toContain('disk on fire');
    expect(logged.mock.calls.flat().join('\n')).toContain(failed.id);
    logged.mockRestore();
    const failedResults = await h.admin.caller.bulk.results({ id: failed.id, outcome: 'failed' });
    expect(failedResults.items.map((r) => [r.userId, r.reason])).toEqual(
      ids.slice(3).map((id) => [id, 'unexpected_error']),
    );

    await allowUpdates();
    const retried = await h.admin.caller.bulk.retry({ operationId: randomUUID(), id: failed.id });
    expect(retried).toMatchObject({
      kind: 'assign_role',
      status: 'succeeded',
      total: 3,
      sourceOperationId: failed.id,
    });
    expect((await h.userRows(ids)).every((r) => r.roleId === h.roleId('Buyer'))).toBe(true);
    await expectTRPCError(
      h.admin.caller.bulk.retry({ operationId: randomUUID(), id: retried.id }),
      'BAD_REQUEST',
      'nothing_to_retry',
    );
  });

  it('records the users a failed revert never reached at the positions of the results they were to get back', async () => {
    const ids = await h.createUsers(5, { status: 'active', role: 'Reader' });
    const [, already = '', , doomed = ''] = ids;
    await h.db
      .update(users)
      .set({ roleId: h.roleId('Buyer') })
      .where(eq(users.id, already));
    // Results 1 to 5, the second a skip: the revert gives back 1, 3, 4 and 5, two a batch.
    const assigned = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids);
    await refuseUpdatesOf([doomed]);
    const small = callerWithConfig(h.admin.ctx, { bulkBatchSize: 2 });
    const reverted = await small.bulk.revert({ operationId: randomUUID(), id: assigned.id });
    expect(reverted).toMatchObject({ kind: 'revert', status: 'failed', counts: { change: 2, failed: 2 } });
    const items = await queryRows<{ position: number; user_id: string; outcome: string }>(
      h.db,
      sql`select position, user_id::text as user_id, outcome::text as outcome
        from bulk_operation_items where operation_id = ${reverted.id} order by position`,
    );
    expect(items).toEqual([
      { position: 1, user_id: ids[0], outcome: 'change' },
      { position: 3, user_id: ids[2], outcome: 'change' },
      { position: 4, user_id: ids[3], outcome: 'failed' },
      { position: 5, user_id: ids[4], outcome: 'failed' },
    ]);
    await allowUpdates();
    const retried = await h.admin.caller.bulk.retry({ operationId: randomUUID(), id: reverted.id });
    expect(retried).toMatchObject({ kind: 'revert', status: 'succeeded', total: 2, counts: { change: 2 } });
    const roles = new Map((await h.userRows(ids)).map((r) => [r.id, r.roleId]));
    expect(ids.map((id) => roles.get(id))).toEqual(
      ids.map((id) => h.roleId(id === already ? 'Buyer' : 'Reader')),
    );
  });

  it('retries the failed users of a revert with the revert’s rule; its id stays that retry’s', async () => {
    const ids = await h.createUsers(4, { status: 'active', role: 'Reader' });
    const assigned = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids);
    const [, , doomed = ''] = ids;
    await refuseUpdatesOf([doomed]);
    const small = callerWithConfig(h.admin.ctx, { bulkBatchSize: 2 });
    const reverted = await small.bulk.revert({ operationId: randomUUID(), id: assigned.id });
    expect(reverted).toMatchObject({ kind: 'revert', status: 'failed', counts: { change: 2, failed: 2 } });
    await allowUpdates();
    const operationId = randomUUID();
    const retried = await h.admin.caller.bulk.retry({ operationId, id: reverted.id });
    expect(retried).toMatchObject({ kind: 'revert', status: 'succeeded', total: 2, counts: { change: 2 } });
    expect((await h.userRows(ids)).every((r) => r.roleId === h.roleId('Reader'))).toBe(true);
    // The same id again is the same retry; as a revert it is someone else's operation.
    expect(await h.admin.caller.bulk.retry({ operationId, id: reverted.id })).toEqual(retried);
    await expectTRPCError(
      h.admin.caller.bulk.revert({ operationId, id: reverted.id }),
      'CONFLICT',
      'operation_conflict',
    );
  });
});
