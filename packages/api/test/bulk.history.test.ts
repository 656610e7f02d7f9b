/**
 * Issue 19 items 10 and 11: the Operations history's filters and its results search; the
 * administrator's finished operations (`bulk.finishedSince`), and the e-mail of a background
 * operation that finished while its administrator was away.
 */
import { randomUUID } from 'node:crypto';
import { bulkOperations, emailOutbox, sessions, users } from '@roster/db';
import { AWAY_AFTER_MS, FINISHED_POLL_MS } from '@roster/domain';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { claimOperation, INLINE_MAX_USERS, runOperation } from '../src/runner/runOperation';
import { type Caller, callByPath, DAY, expectTRPCError, HOUR, MINUTE, START, useHarness } from './harness';

const h = useHarness({ admin: true });

type ListInput = NonNullable<Parameters<Caller['bulk']['list']>[0]>;

/** Every page of the history with these filters, `limit` at a time: the operations' ids in order. */
async function allPages(caller: Caller, input: ListInput, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await caller.bulk.list({ ...input, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((op) => op.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('bulk.list filters', () => {
  /**
   * Five operations a day apart, by two administrators: assign role (succeeded), assign role again
   * (completed with skips: they have it), deactivate, and by the other administrator reactivate
   * and assign role. Newest first: [e, d, c, b, a].
   */
  async function history() {
    const other = await h.signedIn('Administrator', { signIn: false });
    const ids = await h.createUsers(3, { status: 'active', role: 'Reader' });
    const at = (days: number) => h.clock.set(new Date(START.getTime() + days * DAY));
    const run = (caller: Caller, operation: Parameters<Caller['bulk']['execute']>[0]['operation']) =>
      caller.bulk.execute({ operationId: randomUUID(), operation, selection: { ids } });
    at(0);
    const a = await run(h.admin.caller, { kind: 'assign_role', roleId: h.roleId('Buyer') });
    at(1);
    const b = await run(h.admin.caller, { kind: 'assign_role', roleId: h.roleId('Buyer') });
    at(2);
    const c = await run(h.admin.caller, { kind: 'deactivate' });
    at(3);
    const d = await run(other.caller, { kind: 'reactivate' });
    at(4);
    const e = await run(other.caller, { kind: 'assign_role', roleId: h.roleId('Reader') });
    expect([a.status, b.status, c.status, d.status, e.status]).toEqual([
      'succeeded',
      'completed_with_skips',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    return { other, a: a.id, b: b.id, c: c.id, d: d.id, e: e.id };
  }

  it('narrows by kind, actor, status and creation window, each and combined, across pages', async () => {
    const { other, a, b, c, d, e } = await history();
    const day = (n: number) => new Date(START.getTime() + n * DAY).toISOString();
    const list = (input: ListInput) => allPages(h.admin.caller, input, 1);

    expect(await list({})).toEqual([e, d, c, b, a]);
    expect(await list({ kind: 'assign_role' })).toEqual([e, b, a]);
    expect(await list({ actor: other.user.id })).toEqual([e, d]);
    expect(await list({ actor: h.admin.user.id })).toEqual([c, b, a]);
    expect(await list({ status: 'completed_with_skips' })).toEqual([b]);
    expect(await list({ status: 'running' })).toEqual([]);
    // From is inclusive, to is exclusive.
    expect(await list({ createdFrom: day(1) })).toEqual([e, d, c, b]);
    expect(await list({ createdTo: day(1) })).toEqual([a]);
    expect(await list({ createdFrom: day(1), createdTo: day(3) })).toEqual([c, b]);
    // Combined.
    expect(await list({ kind: 'assign_role', actor: h.admin.user.id })).toEqual([b, a]);
    expect(await list({ kind: 'assign_role', status: 'succeeded', createdFrom: day(0.5) })).toEqual([e]);
    expect(await list({ kind: 'assign_role', actor: other.user.id, createdTo: day(4) })).toEqual([]);
    // Pages of two keep the same order and lose nothing.
    expect(await allPages(h.admin.caller, { kind: 'assign_role' }, 2)).toEqual([e, b, a]);
    expect(await allPages(h.admin.caller, {}, 2)).toEqual([e, d, c, b, a]);
  });

  it('lists the administrators who started operations, for the filter', async () => {
    const { other } = await history();
    await h.signedIn('Administrator', { signIn: false }); // never started one
    const actors = await h.admin.caller.bulk.actors();
    expect(actors.map((x) => x.id).sort()).toEqual([h.admin.user.id, other.user.id].sort());
  });

  it('refuses filters it does not know, with a typed error', async () => {
    const list = { path: 'bulk.list', type: 'query' } as const;
    await expectTRPCError(
      callByPath(h.admin.ctx, list, { status: 'receiving' }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(callByPath(h.admin.ctx, list, { kind: 'rename' }), 'BAD_REQUEST', 'invalid_input');
    await expectTRPCError(
      h.admin.caller.bulk.list({ createdFrom: 'yesterday' }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(h.admin.caller.bulk.list({ actor: 'nobody' }), 'BAD_REQUEST', 'invalid_input');
  });
});

describe('bulk.results search', () => {
  it('finds results by e-mail or name, case-insensitively, with the outcome filter, page by page', async () => {
    const names = [
      ['Ana', 'Silva', 'ana.silva@acme.test'],
      ['Bruno', 'Costa', 'bruno@acme.test'],
      ['Carla', 'Silva', 'carla@globex.test'],
      ['Dora', 'Lima', 'dora_100%@acme.test'],
    ] as const;
    const ids: string[] = [];
    for (const [firstName, lastName, email] of names) {
      const user = await h.createUser({ email, status: 'active', role: 'Reader' });
      await h.db.update(users).set({ firstName, lastName }).where(eq(users.id, user.id));
      ids.push(user.id);
    }
    const [ana = '', bruno = '', carla = '', dora = ''] = ids;
    // Bruno has the role already: skipped.
    await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, [bruno]);
    const op = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids);
    const search = async (term: string, extra: { outcome?: 'change' | 'skip'; limit?: number } = {}) => {
      const found: string[] = [];
      let cursor: number | undefined;
      do {
        const page = await h.admin.caller.bulk.results({ id: op.id, search: term, cursor, ...extra });
        found.push(...page.items.map((r) => r.userId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return found;
    };
    expect(await search('SILVA')).toEqual([ana, carla]);
    expect(await search('silva', { limit: 1 })).toEqual([ana, carla]);
    expect(await search('acme.test')).toEqual([ana, bruno, dora]);
    expect(await search('ana silva')).toEqual([ana]);
    expect(await search('acme', { outcome: 'skip' })).toEqual([bruno]);
    // LIKE's wildcards are taken as they are typed.
    expect(await search('_100%')).toEqual([dora]);
    expect(await search('%')).toEqual([dora]);
    expect(await search('nobody')).toEqual([]);
    // An empty search is no search.
    expect(await search('  ')).toEqual(ids);
  });
});

describe('bulk.finishedSince', () => {
  it('tells the caller of their own operations that finished in the window, once', async () => {
    const ids = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const other = await h.signedIn('Administrator', { signIn: false });
    const first = await h.admin.caller.bulk.finishedSince({});
    expect(first.items).toEqual([]);
    expect(first.until).toBe(START.toISOString());

    h.clock.advance(MINUTE);
    const mine = await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids);
    await other.caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { ids },
    });
    // What an identity provider wrote through SCIM on the administrator's token is not told.
    await h.db.insert(bulkOperations).values({
      id: randomUUID(),
      kind: 'scim',
      params: {},
      selection: {},
      actorId: h.admin.user.id,
      status: 'succeeded',
      createdAt: h.clock.now(),
      finishedAt: h.clock.now(),
    });
    h.clock.advance(FINISHED_POLL_MS);
    const second = await h.admin.caller.bulk.finishedSince({ since: first.until });
    expect(second.items.map((op) => op.id)).toEqual([mine.id]);
    expect(second.items[0]).toMatchObject({ status: 'succeeded', counts: { change: 2 } });
    h.clock.advance(FINISHED_POLL_MS);
    const third = await h.admin.caller.bulk.finishedSince({ since: second.until });
    expect(third.items).toEqual([]);
  });

  it("records that the session's administrator is in the app, at most every 30 seconds", async () => {
    const lastSeen = async () =>
      (
        await h.db
          .select({ at: sessions.lastSeenAt })
          .from(sessions)
          .where(eq(sessions.userId, h.admin.user.id))
      )
        .map((s) => s.at?.toISOString() ?? null)
        .filter((at) => at !== null);
    expect(await lastSeen()).toEqual([]);
    await h.admin.caller.bulk.finishedSince({});
    expect(await lastSeen()).toEqual([START.toISOString()]);
    h.clock.advance(FINISHED_POLL_MS);
    await h.admin.caller.bulk.finishedSince({});
    expect(await lastSeen()).toEqual([START.toISOString()]);
    h.clock.advance(FINISHED_POLL_MS + 1);
    await h.admin.caller.bulk.finishedSince({});
    expect(await lastSeen()).toEqual([new Date(START.getTime() + 2 * FINISHED_POLL_MS + 1).toISOString()]);
  });
});

describe('the e-mail of a background operation finished while its administrator was away', () => {
  const finishedEmails = () => h.db.select().from(emailOutbox);

  /** A deactivation too large to finish inside its request, run to its end by a worker. */
  async function runInBackground() {
    const ids = await h.createUsers(INLINE_MAX_USERS + 1, { status: 'active', role: 'Reader' });
    const op = await h.admin.caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { ids },
      confirmCount: ids.length,
    });
    expect(op.status).toBe('queued');
    const workerNow = h.clock.now;
    expect(await claimOperation(h.db, h.config, workerNow())).toBe(op.id);
    await runOperation(h.db, op.id, h.config, { now: workerNow, background: true });
    return op.id;
  }

  it('is queued exactly once when the app has not asked for longer than AWAY_AFTER_MS', async () => {
    await h.admin.caller.bulk.finishedSince({});
    h.clock.advance(AWAY_AFTER_MS + 1);
    const id = await runInBackground();
    const emails = await finishedEmails();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to: h.admin.user.email, operationId: id, status: 'captured' });
    expect(emails[0]?.subject).toBe(
      `Deactivate: succeeded — ${(INLINE_MAX_USERS + 1).toLocaleString('en')} changed of ${(INLINE_MAX_USERS + 1).toLocaleString('en')} users`,
    );
    expect(emails[0]?.text).toContain(`${h.config.publicUrl}/admin/operations/${id}`);
    expect(emails[0]?.html).toContain(`${h.config.publicUrl}/admin/operations/${id}`);
    // A worker running the finished operation again finds nothing to finish, and writes no second e-mail.
    await runOperation(h.db, id, h.config, { now: h.clock.now, background: true });
    expect(await finishedEmails()).toHaveLength(1);
  });

  it('is not queued while the app asks, nor for an operation finished inside its request', async () => {
    await h.admin.caller.bulk.finishedSince({});
    h.clock.advance(AWAY_AFTER_MS - MINUTE);
    await runInBackground();
    expect(await finishedEmails()).toEqual([]);

    // Away, but the operation finished inside the request that started it (the administrator made it).
    h.clock.advance(HOUR);
    const ids = await h.createUsers(2, { status: 'active', role: 'Reader' });
    await h.apply({ kind: 'assign_role', roleId: h.roleId('Buyer') }, ids);
    expect(await finishedEmails()).toEqual([]);
  });
});
