import { randomUUID } from 'node:crypto';
import {
  apiTokens,
  auditEvents,
  bulkOperationItems,
  bulkOperations,
  emailOutbox,
  functionalMemberships,
  functionalResources,
  invitations,
  moduleAccess,
  queryRows,
  sessions,
  users,
} from '@roster/db';
import { type BulkOperation, SELECTION_MAX_IDS } from '@roster/domain';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { operationRule } from '../src/bulk/batchRules';
import { processBatch } from '../src/bulk/processBatch';
import { recordBulkOperation } from '../src/bulk/startBulkOperation';
import { defaultApiConfig } from '../src/config';
import { claimOperation, INLINE_MAX_USERS, runOperation } from '../src/runner/runOperation';
import { type Caller, callerWithConfig, expectTRPCError, START, useHarness } from './harness';

const h = useHarness({ admin: true });

const auditFor = (operationId: string) =>
  h.db.select().from(auditEvents).where(eq(auditEvents.operationId, operationId));

describe('bulk.execute, small selections (finished inside the request)', () => {
  it('assign role: changes, skips and blocks exactly as the preview said, with audit and results', async () => {
    const targets = await h.createUsers(3, { status: 'active' });
    const already = await h.createUsers(1, { status: 'active' });
    await h.db
      .update(users)
      .set({ roleId: h.roleId('Buyer') })
      .where(inArray(users.id, already));
    const selection = { ids: [...targets, ...already, h.admin.user.id] };
    const operation = { kind: 'assign_role' as const, roleId: h.roleId('Buyer') };
    const preview = await h.admin.caller.bulk.preview({ operation, selection });
    const op = await h.admin.caller.bulk.execute({ operationId: randomUUID(), operation, selection });
    expect(op).toMatchObject({ status: 'completed_with_skips', total: 5, processed: 5 });
    expect(op.counts).toEqual({ ...preview.counts, failed: 0 });
    expect(op.counts).toEqual({ change: 3, skip: 1, blocked: 1, failed: 0 });
    for (const row of await h.userRows(targets))
      expect(row).toMatchObject({ roleId: h.roleId('Buyer'), version: 2 });
    const [actor] = await h.userRows([h.admin.user.id]);
    expect(actor?.roleId).toBe(h.roleId('Administrator'));
    const audit = await auditFor(op.id);
    expect(audit.map((a) => a.userId).sort()).toEqual([...targets].sort());
    expect(audit[0]).toMatchObject({
      actorId: h.admin.user.id,
      action: 'user.assign_role',
      before: { roleId: h.roleId('Reader') },
      after: { roleId: h.roleId('Buyer') },
    });
    const results = await h.admin.caller.bulk.results({ id: op.id });
    expect(results.items.map((r) => [r.outcome, r.reason])).toEqual([
      ['change', null],
      ['change', null],
      ['change', null],
      ['skip', 'already_has_role'],
      ['blocked', 'self'],
    ]);
    expect((await h.admin.caller.bulk.results({ id: op.id, outcome: 'blocked' })).items).toEqual([
      expect.objectContaining({
        userId: h.admin.user.id,
        reason: 'self',
        sentence: 'You cannot do this to your own account.',
      }),
    ]);
  });

  it('results come in pages that follow each other, filtered by outcome and reason', async () => {
    const active = await h.createUsers(5, { status: 'active' });
    const already = await h.createUsers(2, { status: 'deactivated' });
    const ids = [...active, ...already, h.admin.user.id];
    const op = await h.apply({ kind: 'deactivate' }, ids);
    const seen: string[] = [];
    let cursor: number | undefined;
    let pages = 0;
    do {
      const page = await h.admin.caller.bulk.results({ id: op.id, limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((r) => r.userId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const skipped = await h.admin.caller.bulk.results({ id: op.id, reason: 'already_deactivated' });
    expect(skipped.items.map((r) => r.userId)).toEqual(already);
    expect(skipped.nextCursor).toBeNull();
    const changed = await h.admin.caller.bulk.results({ id: op.id, outcome: 'change', limit: 2 });
    expect(changed.items.map((r) => r.userId)).toEqual(active.slice(0, 2));
    const rest = await h.admin.caller.bulk.results({
      id: op.id,
      outcome: 'change',
      cursor: changed.nextCursor ?? 0,
    });
    expect(rest.items.map((r) => r.userId)).toEqual(active.slice(2));
  });

  it('the history comes in pages, newest first, each page after the one before', async () => {
    const [user = ''] = await h.createUsers(1, { status: 'active' });
    const made: string[] = [];
    for (const kind of ['deactivate', 'reactivate', 'deactivate'] as const) {
      const op = await h.apply({ kind }, [user]);
      made.push(op.id);
    }
    // This caller's clock stands still: operations of the same time come by id, highest first.
    const order = [...made].sort().reverse();
    const first = await h.admin.caller.bulk.list({ limit: 2 });
    expect(first.items.map((o) => o.id)).toEqual(order.slice(0, 2));
    expect(first.nextCursor).not.toBeNull();
    const second = await h.admin.caller.bulk.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((o) => o.id)).toEqual(order.slice(2));
    expect(second.nextCursor).toBeNull();
  });

  it('deactivate: cancels the pending invitation, revokes sessions and API tokens', async () => {
    const [active = ''] = await h.createUsers(1, { status: 'active' });
    const [invited = ''] = await h.createUsers(1, { status: 'invited' });
    await h.db
      .insert(sessions)
      .values({ userId: active, tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 86_400_000) });
    await h.db
      .insert(apiTokens)
      .values({ userId: active, name: 't', tokenHash: randomUUID(), prefix: 'rst_x' });
    const op = await h.apply({ kind: 'deactivate' }, [active, invited]);
    expect(op).toMatchObject({ status: 'succeeded', counts: { change: 2, skip: 0, blocked: 0, failed: 0 } });
    for (const row of await h.userRows([active, invited])) expect(row.status).toBe('deactivated');
    const [invitation] = await h.db.select().from(invitations).where(eq(invitations.userId, invited));
    expect(invitation?.status).toBe('cancelled');
    const [session] = await h.db.select().from(sessions).where(eq(sessions.userId, active));
    expect(session?.revokedAt).not.toBeNull();
    const [token] = await h.db.select().from(apiTokens).where(eq(apiTokens.userId, active));
    expect(token?.revokedAt).not.toBeNull();
  });

  it('reactivate: active when the user had accepted, created otherwise', async () => {
    const [accepted = ''] = await h.createUsers(1, { status: 'deactivated', activated: true });
    const [never = ''] = await h.createUsers(1, { status: 'deactivated' });
    await h.apply({ kind: 'reactivate' }, [accepted, never]);
    const rows = await h.userRows([accepted, never]);
    expect(rows.find((r) => r.id === accepted)?.status).toBe('active');
    expect(rows.find((r) => r.id === never)?.status).toBe('created');
  });

  it('invite, resend and cancel: invitations, hashed tokens and queued e-mails', async () => {
    const created = await h.createUsers(2, { status: 'created' });
    const invite = await h.apply({ kind: 'invite', message: 'Welcome <b>aboard</b>' }, created);
    expect(invite.error).toBeNull();
    expect(invite.counts.change).toBe(2);
    const pending = await h.db.select().from(invitations).where(inArray(invitations.userId, created));
    expect(pending.map((i) => i.status)).toEqual(['pending', 'pending']);
    expect(pending[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const mails = await h.db.select().from(emailOutbox).where(eq(emailOutbox.operationId, invite.id));
    expect(mails).toHaveLength(2);
    expect(mails[0]?.html).toContain('Welcome &#60;b&#62;aboard&#60;/b&#62;');
    expect(mails[0]?.text).toMatch(/\/invite\/[A-Za-z0-9_-]{43}/);

    // Sent just now: a resend is skipped as too soon.
    const tooSoon = await h.apply({ kind: 'resend_invitation' }, created);
    expect(tooSoon.counts).toMatchObject({ change: 0, skip: 2 });
    await h.db
      .update(invitations)
      .set({ lastSentAt: new Date(START.getTime() - 120_000) })
      .where(inArray(invitations.userId, created));
    const resend = await h.apply({ kind: 'resend_invitation' }, created);
    expect(resend.counts.change).toBe(2);
    const all = await h.db.select().from(invitations).where(inArray(invitations.userId, created));
    expect(all.filter((i) => i.status === 'superseded')).toHaveLength(2);
    expect(all.filter((i) => i.status === 'pending').map((i) => i.sentCount)).toEqual([2, 2]);
    // The resent invitation keeps the message it was sent with.
    expect(all.filter((i) => i.status === 'pending').map((i) => i.message)).toEqual([
      'Welcome <b>aboard</b>',
      'Welcome <b>aboard</b>',
    ]);

    const cancel = await h.apply({ kind: 'cancel_invitation' }, created);
    expect(cancel.counts.change).toBe(2);
    for (const row of await h.userRows(created)) expect(row.status).toBe('created');
    const after = await h.db
      .select()
      .from(invitations)
      .where(and(inArray(invitations.userId, created), eq(invitations.status, 'pending')));
    expect(after).toHaveLength(0);
  });

  it('copy access replaces module access and leaves functional memberships alone', async () => {
    const [source = '', target = ''] = await h.createUsers(2, { status: 'active' });
    await h.db.insert(moduleAccess).values([
      { userId: source, module: 'budget', level: 'edit' },
      { userId: target, module: 'portfolio', level: 'read' },
    ]);
    const [project] = await h.db
      .insert(functionalResources)
      .values({ kind: 'project', name: 'P' })
      .returning();
    await h.db.insert(functionalMemberships).values({ userId: target, resourceId: project?.id ?? '' });
    const op = await h.apply({ kind: 'copy_access', sourceUserId: source }, [target]);
    expect(op.counts.change).toBe(1);
    const access = await h.db.select().from(moduleAccess).where(eq(moduleAccess.userId, target));
    expect(access.map((a) => [a.module, a.level])).toEqual([['budget', 'edit']]);
    expect(
      await h.db.select().from(functionalMemberships).where(eq(functionalMemberships.userId, target)),
    ).toHaveLength(1);
  });
});

describe('idempotency and refusals', () => {
  it('a retried apply returns the same operation and changes nothing twice', async () => {
    const ids = await h.createUsers(2, { status: 'active' });
    const input = {
      operationId: randomUUID(),
      operation: { kind: 'deactivate' as const },
      selection: { ids },
    };
    const first = await h.admin.caller.bulk.execute(input);
    const again = await h.admin.caller.bulk.execute(input);
    expect(again).toEqual(first);
    // The same users in another order, with a repeat and in capitals, are the same selection.
    const [one = '', two = ''] = ids;
    expect(
      await h.admin.caller.bulk.execute({ ...input, selection: { ids: [two.toUpperCase(), one, two] } }),
    ).toEqual(first);
    expect(await auditFor(first.id)).toHaveLength(2);
    await expectTRPCError(
      h.admin.caller.bulk.execute({ ...input, operation: { kind: 'reactivate' } }),
      'CONFLICT',
      'operation_conflict',
    );
    // The same id with other users is another operation, not a retry.
    const [other = ''] = await h.createUsers(1, { status: 'active' });
    await expectTRPCError(
      h.admin.caller.bulk.execute({ ...input, selection: { ids: [one, other] } }),
      'CONFLICT',
      'operation_conflict',
    );
    await expectTRPCError(
      h.admin.caller.bulk.execute({
        ...input,
        selection: { filter: { status: ['active'] }, expectedCount: 2 },
      }),
      'CONFLICT',
      'operation_conflict',
    );
    expect((await h.userRows([other]))[0]?.status).toBe('active');
  });

  it('two applies sent at once under one id: the other request is refused, never answered with the operation it did not ask for', async () => {
    const ids = await h.createUsers(2, { status: 'active' });
    const other = await h.signedIn('Administrator', { signIn: false });
    const deactivate = { kind: 'deactivate' as const };
    const cases = [
      // Another operation by the same administrator.
      [h.admin.caller, { kind: 'assign_role' as const, roleId: h.roleId('Buyer') }],
      // The same operation by another administrator.
      [other.caller, deactivate],
    ] as const;
    for (const [caller, operation] of cases) {
      const operationId = randomUUID();
      const settled = await Promise.allSettled([
        h.admin.caller.bulk.execute({ operationId, operation: deactivate, selection: { ids } }),
        caller.bulk.execute({ operationId, operation, selection: { ids } }),
      ]);
      const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
      expect(refused, `${JSON.stringify(operation)}: one of the two refused`).toHaveLength(1);
      await expectTRPCError(Promise.reject(refused[0]), 'CONFLICT', 'operation_conflict');
      await h.db.update(users).set({ status: 'active' }).where(inArray(users.id, ids));
    }
  });

  it('refuses a selection over the limit, saying so, writing nothing', async () => {
    const ids = Array.from({ length: SELECTION_MAX_IDS + 1 }, () => randomUUID());
    const before = await h.db.select().from(bulkOperations);
    for (const call of [
      h.apply({ kind: 'deactivate' }, ids),
      h.admin.caller.bulk.preview({ operation: { kind: 'deactivate' }, selection: { ids } }),
    ]) {
      const error = await expectTRPCError(call, 'BAD_REQUEST', 'invalid_input');
      expect(error.message).toContain('A selection holds at most 100,000 users.');
    }
    expect(await h.db.select().from(bulkOperations)).toEqual(before);
  });

  it('refuses a changed filter, an unconfirmed promotion, and unknown users, writing nothing', async () => {
    const ids = await h.createUsers(3, { status: 'created' });
    const before = await h.db.select().from(bulkOperations);
    await expectTRPCError(
      h.admin.caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'invite' },
        selection: { filter: { status: ['created'] }, expectedCount: 4 },
      }),
      'CONFLICT',
      'selection_changed',
    );
    await expectTRPCError(
      h.apply({ kind: 'assign_role', roleId: h.roleId('Administrator') }, ids),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    await expectTRPCError(h.apply({ kind: 'invite' }, [...ids, randomUUID()]), 'NOT_FOUND', 'user_not_found');
    await expectTRPCError(
      h.apply({ kind: 'assign_role', roleId: randomUUID() }, ids),
      'BAD_REQUEST',
      'unknown_role',
    );
    await expectTRPCError(
      h.apply({ kind: 'copy_access', sourceUserId: randomUUID() }, ids),
      'BAD_REQUEST',
      'unknown_source_user',
    );
    expect(await h.db.select().from(bulkOperations)).toEqual(before);
    for (const row of await h.userRows(ids)) expect(row.status).toBe('created');
    const confirmed = await h.admin.caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: h.roleId('Administrator') },
      selection: { ids },
      confirmPrivileged: true,
    });
    expect(confirmed.counts.change).toBe(3);
  });

  it('refuses an unconfirmed demotion of administrators, writing nothing; accepts it confirmed', async () => {
    const admins = await h.createUsers(2, { status: 'active', role: 'Administrator' });
    const readers = await h.createUsers(2, { status: 'active' });
    const before = await h.db.select().from(bulkOperations);
    const demote = (selection: Parameters<Caller['bulk']['execute']>[0]['selection'], confirm?: boolean) =>
      h.admin.caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
        selection,
        confirmPrivileged: confirm,
      });
    await expectTRPCError(
      demote({ ids: [...readers, ...admins] }),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    // All active users (the acting admin among them, blocked as `self`): two administrators lost.
    await expectTRPCError(
      demote({ filter: { status: ['active'] }, expectedCount: 5 }),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    expect(await h.db.select().from(bulkOperations)).toEqual(before);
    for (const row of await h.userRows(admins)) expect(row.roleId).toBe(h.roleId('Administrator'));

    // Nothing to confirm when no administrator would lose the role: only Readers, or only oneself.
    const plain = await demote({ ids: readers });
    expect(plain.counts.change).toBe(2);
    const self = await demote({ ids: [h.admin.user.id] });
    expect(self.counts).toMatchObject({ change: 0, blocked: 1 });

    const confirmed = await demote({ ids: admins }, true);
    expect(confirmed.counts.change).toBe(2);
    for (const row of await h.userRows(admins)) expect(row.roleId).toBe(h.roleId('Buyer'));
  });
});

describe('large selections run in the background', () => {
  const config = { ...defaultApiConfig, bulkLeaseMs: 1_000 };
  /** Batches are cut at Apply: a caller whose operations run in batches of `size` users. */
  const callerWithBatches = (size: number) => callerWithConfig(h.admin.ctx, { bulkBatchSize: size });
  /** Deactivates the active Readers (`count` of them) in batches of `size` users. */
  const deactivateReadersInBatches = (size: number, count: number) =>
    callerWithBatches(size).bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { filter: { status: ['active'], roleIds: [h.roleId('Reader')] }, expectedCount: count },
      confirmCount: count,
    });

  it('writes each result in the batch’s order: its e-mail, and for a change the version it gave; a user gone since Apply failed', async () => {
    const [first, gone, last] = await h.createUsers(3, { status: 'active' });
    const [already] = await h.createUsers(1, { status: 'deactivated' });
    if (!first || !gone || !last || !already) throw new Error('users not created');
    const ids = [first, already, gone, last];
    const before = new Map((await h.userRows(ids)).map((u) => [u.id, u]));
    const recorded = await recordBulkOperation(
      h.db,
      { operationId: randomUUID(), operation: { kind: 'deactivate' }, selection: { ids } },
      h.admin.user.id,
      new Date(),
      config,
    );
    // No procedure deletes users: one removed by hand, with the rows that hold its id.
    for (const table of ['user_search', 'module_access', 'user_scopes', 'user_rights'])
      await h.db.execute(sql`delete from ${sql.identifier(table)} where user_id = ${gone}`);
    await h.db.delete(users).where(eq(users.id, gone));
    await runOperation(h.db, recorded.id, config);
    const items = await queryRows<{
      position: number;
      user_id: string;
      email: string | null;
      outcome: string;
      reason: string | null;
      version: number | null;
    }>(
      h.db,
      sql`select position, user_id::text as user_id, email, outcome::text as outcome, reason, version
        from bulk_operation_items where operation_id = ${recorded.id} order by position`,
    );
    const changed = (id: string) => ({
      email: before.get(id)?.email,
      outcome: 'change',
      reason: null,
      version: (before.get(id)?.version ?? 0) + 1,
    });
    expect(items).toEqual([
      { position: 1, user_id: first, ...changed(first) },
      {
        position: 2,
        user_id: already,
        email: before.get(already)?.email,
        outcome: 'skip',
        reason: 'already_deactivated',
        version: null,
      },
      { position: 3, user_id: gone, email: null, outcome: 'failed', reason: 'user_not_found', version: null },
      { position: 4, user_id: last, ...changed(last) },
    ]);
    // The versions written are the users' own after the change.
    for (const row of await h.userRows([first, last]))
      expect(row.version).toBe((before.get(row.id)?.version ?? 0) + 1);
  });

  it('a filter is resolved at Apply: users who match it only later are left alone, users who no longer match are still decided', async () => {
    const filter = { status: ['active' as const], roleIds: [h.roleId('Contributor')] };
    const selected = await h.createUsers(3, { status: 'active', role: 'Contributor' });
    const recorded = await recordBulkOperation(
      h.db,
      {
        operationId: randomUUID(),
        operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
        selection: { filter, expectedCount: 3 },
      },
      h.admin.user.id,
      new Date(),
      config,
    );
    expect(recorded.queued).toBe(3);
    // After Apply and before its batches run: one more user matches, one selected no longer does.
    const [later = ''] = await h.createUsers(1, { status: 'active', role: 'Contributor' });
    const [movedOut = '', ...others] = selected;
    await h.db.update(users).set({ status: 'deactivated' }).where(eq(users.id, movedOut));
    await runOperation(h.db, recorded.id, config);
    const items = await h.db
      .select({ userId: bulkOperationItems.userId, outcome: bulkOperationItems.outcome })
      .from(bulkOperationItems)
      .where(eq(bulkOperationItems.operationId, recorded.id));
    expect(items.map((i) => i.userId).sort()).toEqual([...selected].sort());
    expect(items.every((i) => i.outcome === 'change')).toBe(true);
    const roles = new Map((await h.userRows([...selected, later])).map((u) => [u.id, u.roleId]));
    expect([...others, movedOut].map((id) => roles.get(id))).toEqual(selected.map(() => h.roleId('Buyer')));
    expect(roles.get(later)).toBe(h.roleId('Contributor'));
  });

  it('a small operation is its request’s to run: the workers leave it alone until its lease runs out', async () => {
    const ids = await h.createUsers(3, { status: 'active' });
    const t0 = new Date();
    // Recorded as Apply records it, not yet claimed by its request (the moment a worker could look).
    const record = (operation: BulkOperation) =>
      recordBulkOperation(
        h.db,
        { operationId: randomUUID(), operation, selection: { ids } },
        h.admin.user.id,
        t0,
        config,
      );
    const recorded = await record({ kind: 'deactivate' });
    expect(await claimOperation(h.db, config, new Date(t0.getTime() + 500))).toBeNull();
    // Its request takes it, and runs it.
    expect(await claimOperation(h.db, config, t0, recorded.id)).toBe(recorded.id);
    await runOperation(h.db, recorded.id, config);
    expect(await h.admin.caller.bulk.get({ id: recorded.id })).toMatchObject({ status: 'succeeded' });
    // Had its request's process died first, a worker would take it once the lease ran out.
    const orphan = await record({ kind: 'reactivate' });
    expect(await claimOperation(h.db, config, new Date(t0.getTime() + 500))).toBeNull();
    expect(await claimOperation(h.db, config, new Date(t0.getTime() + 5_000))).toBe(orphan.id);
  });

  it('resume after a crash with every user processed exactly once', async () => {
    const ids = await h.createUsers(INLINE_MAX_USERS + 50, { status: 'active' });
    const op = await deactivateReadersInBatches(200, ids.length);
    expect(op.status).toBe('queued');
    // A worker takes it, does two batches and dies without a word.
    const t0 = new Date();
    expect(await claimOperation(h.db, config, t0)).toBe(op.id);
    await runOperation(h.db, op.id, config, { maxBatches: 2 });
    expect((await h.admin.caller.bulk.get({ id: op.id })).processed).toBe(400);
    // Its lease still holds: nobody else takes the operation yet.
    expect(await claimOperation(h.db, config, new Date(t0.getTime() + 500))).toBeNull();
    // Once the lease has run out, another worker takes it over and finishes it.
    const later = new Date(Date.now() + 5_000);
    expect(await claimOperation(h.db, config, later)).toBe(op.id);
    await runOperation(h.db, op.id, config);
    const done = await h.admin.caller.bulk.get({ id: op.id });
    expect(done).toMatchObject({
      status: 'succeeded',
      processed: ids.length,
      counts: { change: ids.length },
    });
    const audit = await auditFor(op.id);
    expect(audit).toHaveLength(ids.length);
    expect(new Set(audit.map((a) => a.userId)).size).toBe(ids.length);
    for (const row of await h.userRows(ids)) expect(row.version).toBe(2);
  });

  it('two conflicting operations on the same users never lose an update', async () => {
    const ids = await h.createUsers(300, { status: 'active' });
    const [a, b] = await Promise.all([
      h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids),
      h.admin.caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'deactivate' },
        selection: { ids },
        confirmCount: ids.length,
      }),
    ]);
    expect(a?.counts.change).toBe(300);
    expect(b?.counts.change).toBe(300);
    for (const row of await h.userRows(ids)) {
      expect(row).toMatchObject({ roleId: h.roleId('Buyer'), status: 'deactivated', version: 3 });
    }
  });

  it.each([
    ['deactivating', { kind: 'deactivate' }],
    ['demoting', { kind: 'assign_role', roleId: 'Reader' }],
  ] as const)(
    'two admins %s each other at once: one succeeds, the other is blocked as the last administrator',
    async (_, shape) => {
      // The only two active administrators: the test's admin and this one.
      const other = await h.signedIn('Administrator', { signIn: false });
      const activeAdmins = async () =>
        h.db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.status, 'active'), eq(users.roleId, h.roleId('Administrator'))));
      expect(await activeAdmins()).toHaveLength(2);
      const operation: BulkOperation =
        shape.kind === 'deactivate' ? shape : { kind: 'assign_role', roleId: h.roleId(shape.roleId) };
      const [a, b] = await Promise.all([
        h.apply(operation, [other.user.id], true),
        other.caller.bulk.execute({
          operationId: randomUUID(),
          operation,
          selection: { ids: [h.admin.user.id] },
          confirmPrivileged: true,
        }),
      ]);
      expect([a.counts.change, b.counts.change].sort()).toEqual([0, 1]);
      const blocked = a.counts.change === 0 ? a : b;
      expect(blocked.counts.blocked).toBe(1);
      const results = await h.admin.caller.bulk.results({ id: blocked.id });
      expect(results.items[0]).toMatchObject({ outcome: 'blocked', reason: 'last_admin' });
      expect(await activeAdmins()).toHaveLength(1);
    },
  );

  it('two invites of the same users at once: each user gets one invitation, the later run skips them', async () => {
    const ids = await h.createUsers(200, { status: 'created' });
    const [a, b] = await Promise.all([1, 2].map(() => h.apply({ kind: 'invite' }, ids)));
    // Decided on locked, current rows: whichever ran second found the users invited already.
    expect((a?.counts.change ?? 0) + (b?.counts.change ?? 0)).toBe(200);
    expect((a?.counts.skip ?? 0) + (b?.counts.skip ?? 0)).toBe(200);
    expect((a?.counts.failed ?? 0) + (b?.counts.failed ?? 0)).toBe(0);
    const sent = await h.db.select().from(invitations).where(inArray(invitations.userId, ids));
    expect(sent).toHaveLength(200);
    expect(new Set(sent.map((i) => i.userId)).size).toBe(200);
  });

  it('cancel stops between batches; what was done stays done', async () => {
    const ids = await h.createUsers(INLINE_MAX_USERS + 10, { status: 'active' });
    const op = await deactivateReadersInBatches(100, ids.length);
    await claimOperation(h.db, config, new Date());
    await runOperation(h.db, op.id, config, { maxBatches: 1 });
    await h.admin.caller.bulk.cancel({ id: op.id });
    await runOperation(h.db, op.id, config);
    const cancelled = await h.admin.caller.bulk.get({ id: op.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', processed: 100 });
    expect(await auditFor(op.id)).toHaveLength(100);
    await expectTRPCError(h.admin.caller.bulk.cancel({ id: op.id }), 'CONFLICT', 'operation_finished');
    const history = await h.admin.caller.bulk.list();
    expect(history.items[0]).toMatchObject({
      id: op.id,
      kind: 'deactivate',
      status: 'cancelled',
      actor: { id: h.admin.user.id },
    });
  });

  it('takes no batch once a cancel was asked for: its users stay as they were', async () => {
    const ids = await h.createUsers(INLINE_MAX_USERS + 10, { status: 'active' });
    const op = await deactivateReadersInBatches(300, ids.length);
    expect(await claimOperation(h.db, config, new Date())).toBe(op.id);
    await runOperation(h.db, op.id, config, { maxBatches: 1 });
    // Asked for after the run read the operation: the next batch's take sees it, before any user.
    await h.db.update(bulkOperations).set({ cancelRequested: true }).where(eq(bulkOperations.id, op.id));
    const rule = operationRule({ kind: 'deactivate' }, { actorId: h.admin.user.id, invitationTtlMs: 1 });
    const apply = { actor: { id: h.admin.user.id, name: 'Admin' }, config };
    const result = await processBatch(h.db, op.id, rule, apply, new Date());
    expect(result).toMatchObject({ processed: 0, tally: null, cancelRequested: true });
    expect(await h.admin.caller.bulk.get({ id: op.id })).toMatchObject({ status: 'running', processed: 300 });
    const deactivated = await h.db
      .select({ id: users.id })
      .from(users)
      .where(and(inArray(users.id, ids), eq(users.status, 'deactivated')));
    expect(deactivated).toHaveLength(300);
  });

  it('ends in the transaction of its last batch: never seen with every user processed and still running', async () => {
    /** The transactions that wrote the operation's row as it stands, and its results. */
    const writers = async (id: string) => {
      const [row] = await queryRows<{ xmin: string }>(
        h.db,
        sql`select xmin::text as xmin from bulk_operations where id = ${id}`,
      );
      const items = await queryRows<{ xmin: string }>(
        h.db,
        sql`select distinct xmin::text as xmin from bulk_operation_items where operation_id = ${id}`,
      );
      return { operation: row?.xmin, results: items.map((i) => i.xmin) };
    };
    // Inside its request: one batch.
    const small = await h.createUsers(20, { status: 'active' });
    const inline = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, small);
    expect(inline).toMatchObject({ status: 'succeeded', processed: 20 });
    const one = await writers(inline.id);
    expect(one.results).toHaveLength(1);
    expect(one.results).toContain(one.operation);
    // By the workers: four batches, two side by side.
    const ids = await h.createUsers(INLINE_MAX_USERS + 10, { status: 'active' });
    const op = await deactivateReadersInBatches(300, ids.length);
    expect(await claimOperation(h.db, config, new Date())).toBe(op.id);
    await runOperation(h.db, op.id, { ...config, bulkConcurrency: 2 });
    expect(await h.admin.caller.bulk.get({ id: op.id })).toMatchObject({
      status: 'succeeded',
      processed: ids.length,
    });
    const four = await writers(op.id);
    expect(four.results).toHaveLength(4);
    expect(four.results).toContain(four.operation);
  });
});
