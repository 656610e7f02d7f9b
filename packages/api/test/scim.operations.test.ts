import { randomUUID } from 'node:crypto';
import { auditEvents, bulkOperationItems, bulkOperations, users } from '@roster/db';
import { asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { recordFollowUpOperation } from '../src/bulk/startFollowUpOperation';
import { claimOperation, runOperation } from '../src/runner/runOperation';
import { runScimWrites, type ScimWrite } from '../src/scim/scimWrites';
import { expectTRPCError, MINUTE, useHarness } from './harness';

/** SCIM writes as operations (issue 20 item 5): grouped per token per minute, and reverted. */
const h = useHarness({ admin: true });

const TOKEN = '00000000-0000-7000-8000-000000000001';
const caller = (tokenId = TOKEN) => ({
  tokenId,
  tokenName: 'Okta',
  actor: { id: h.admin.user.id, name: 'Admin' },
});

/** One write as a single request sends it (`grouped`), or several as one /Bulk request. */
const write = async (writes: ScimWrite[], grouped = true, tokenId = TOKEN, now = h.clock.now()) => {
  const run = await runScimWrites(
    { db: h.db, config: h.config, now, caller: caller(tokenId), baseUrl: 'http://x/scim/v2' },
    writes,
    grouped ? { atomic: true, label: 'PATCH /Users', grouped: true } : { atomic: false, label: 'POST /Bulk' },
  );
  for (const result of run.results) if (!result.ok) throw result.error;
  return run;
};
const create = async (userName: string) => {
  const { operationId, results } = await write([
    { kind: 'create', resource: { userName, name: { givenName: 'Ada', familyName: 'Lovelace' } } },
  ]);
  const [result] = results;
  if (!result?.ok) throw new Error('not created');
  return { operationId, id: result.user.id };
};
const patch = (id: string, ...operations: { op: string; path?: string; value: unknown }[]): ScimWrite => ({
  kind: 'update',
  target: { id },
  change: {
    kind: 'patch',
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations },
  },
});
const scimOperations = () =>
  h.db.select().from(bulkOperations).where(eq(bulkOperations.kind, 'scim')).orderBy(asc(bulkOperations.id));
const itemsOf = (operationId: string) =>
  h.db
    .select()
    .from(bulkOperationItems)
    .where(eq(bulkOperationItems.operationId, operationId))
    .orderBy(asc(bulkOperationItems.position));
const revert = (id: string) => h.admin.caller.bulk.revert({ operationId: randomUUID(), id });

describe('single SCIM writes are one operation per token per minute', () => {
  it('groups the writes of a minute, with a result per write in order, and opens a new one after it', async () => {
    h.clock.set(new Date('2026-03-02T09:00:10.000Z'));
    const ada = await create('ada@example.com');
    h.clock.advance(20_000);
    const grace = await create('grace@example.com');
    h.clock.advance(20_000);
    await write([patch(ada.id, { op: 'replace', path: 'name.givenName', value: 'Augusta' })]);
    expect(grace.operationId).toBe(ada.operationId);
    // Another token's writes of the same minute are its own operation.
    await write(
      [{ kind: 'create', resource: { userName: 'alan@example.com' } }],
      true,
      '00000000-0000-7000-8000-000000000002',
    );
    const [first] = (await scimOperations()).filter((o) => o.id === ada.operationId);
    expect(first).toMatchObject({
      status: 'succeeded',
      total: 2,
      processed: 2,
      changed: 2,
      params: { kind: 'scim', request: 'Single requests, 2026-03-02 09:00 UTC', tokenName: 'Okta' },
    });
    // One result per user: Ada's rename builds on her creation (still a creation, as renamed).
    expect(
      (await itemsOf(ada.operationId ?? '')).map((i) => [i.position, i.email, i.reason, i.before, i.after]),
    ).toEqual([
      [
        1,
        'ada@example.com',
        'scim_created',
        {},
        { email: 'ada@example.com', firstName: 'Augusta', lastName: 'Lovelace', status: 'created' },
      ],
      [
        2,
        'grace@example.com',
        'scim_created',
        {},
        { email: 'grace@example.com', firstName: 'Ada', lastName: 'Lovelace', status: 'created' },
      ],
    ]);
    // Every change's audit event names the minute's operation.
    const audit = await h.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.operationId, ada.operationId ?? ''));
    expect(audit.map((a) => a.action).sort()).toEqual(['scim.create', 'scim.create', 'scim.update']);

    // The next minute: a new operation; a skip there makes it completed_with_skips, the first stays.
    h.clock.advance(MINUTE);
    const next = await write([patch(ada.id, { op: 'replace', path: 'name.givenName', value: 'Augusta' })]);
    expect(next.operationId).not.toBe(ada.operationId);
    const operations = await scimOperations();
    expect(operations).toHaveLength(3);
    expect(operations.find((o) => o.id === next.operationId)).toMatchObject({
      status: 'completed_with_skips',
      total: 1,
      skipped: 1,
    });
    // A /Bulk request is an operation of its own, even within the minute.
    const bulk = await write([{ kind: 'create', resource: { userName: 'edsger@example.com' } }], false);
    expect(bulk.operationId).not.toBe(next.operationId);
    expect((await itemsOf(bulk.operationId ?? '')).map((i) => i.position)).toEqual([1]);
  });

  it('a refused single write leaves the minute’s operation as it was', async () => {
    const ada = await create('ada@example.com');
    await expect(create('ada@example.com')).rejects.toMatchObject({ status: 409 });
    const [operation] = await scimOperations();
    expect(operation).toMatchObject({ id: ada.operationId, total: 1, processed: 1 });
  });

  it('writes sent at once from several connections all land in the minute’s operation, numbered once each', async () => {
    const emails = Array.from({ length: 6 }, (_, i) => `user${i}@example.com`);
    const runs = await Promise.all(emails.map((email) => create(email)));
    expect(new Set(runs.map((r) => r.operationId)).size).toBe(1);
    const items = await itemsOf(runs[0]?.operationId ?? '');
    expect(items.map((i) => i.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(items.map((i) => i.email).sort()).toEqual(emails);
  });
});

describe('the revert of a SCIM operation', () => {
  it('waits until the minute of single writes has passed: a later write of the minute still joins it', async () => {
    h.clock.set(new Date('2026-03-02T09:00:10.000Z'));
    const [one = '', other = ''] = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const run = await write([patch(one, { op: 'replace', path: 'name.familyName', value: 'Renamed' })]);
    h.clock.set(new Date('2026-03-02T09:00:59.999Z'));
    await expectTRPCError(
      h.admin.caller.bulk.previewRevert({ id: run.operationId ?? '' }),
      'CONFLICT',
      'operation_not_finished',
    );
    await expectTRPCError(revert(run.operationId ?? ''), 'CONFLICT', 'operation_not_finished');
    // A /Bulk request's operation is finished once answered: reverted at once.
    const bulk = await write([patch(other, { op: 'replace', path: 'name.givenName', value: 'Bulk' })], false);
    expect((await revert(bulk.operationId ?? '')).counts).toMatchObject({ change: 1 });
    h.clock.set(new Date('2026-03-02T09:01:00.000Z'));
    const reverted = await revert(run.operationId ?? '');
    expect(reverted.counts).toMatchObject({ change: 1 });
    const [row] = await h.userRows([one]);
    expect(row?.lastName).not.toBe('Renamed');
  });

  it('gives back renames, deactivations and role moves; users it created stay; it is single-use', async () => {
    const [reader = '', active = ''] = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const ada = await create('ada@example.com');
    const [before] = await h.userRows([reader]);
    const buyer = { id: h.roleId('Buyer'), isAdmin: false };
    const run = await write([
      patch(
        reader,
        { op: 'replace', path: 'userName', value: 'renamed@example.com' },
        { op: 'replace', path: 'name.familyName', value: 'Renamed' },
      ),
    ]);
    await write([patch(active, { op: 'replace', path: 'active', value: false })]);
    await write([{ kind: 'setRole', target: { id: reader }, role: buyer }]);
    expect(run.operationId).toBe(ada.operationId);
    const [changed] = await h.userRows([reader]);
    expect(changed).toMatchObject({ email: 'renamed@example.com', lastName: 'Renamed', roleId: buyer.id });
    // Reverted once its minute has passed (no write joins it any more).
    h.clock.advance(MINUTE);

    // One result per user: the reader's rename and role move are given back together.
    const preview = await h.admin.caller.bulk.previewRevert({ id: ada.operationId ?? '' });
    expect(preview).toMatchObject({
      counts: { change: 2, skip: 1, blocked: 0 },
      reasons: { created_by_operation: 1 },
    });
    const reverted = await revert(ada.operationId ?? '');
    expect(reverted).toMatchObject({ kind: 'revert', status: 'completed_with_skips' });
    const rows = await h.userRows([reader, active, ada.id]);
    expect(rows.map((r) => [r.email, r.lastName, r.status, r.roleId])).toEqual([
      [before?.email, before?.lastName, 'active', h.roleId('Reader')],
      [rows[1]?.email, rows[1]?.lastName, 'active', h.roleId('Reader')],
      ['ada@example.com', 'Lovelace', 'created', h.roleId('Reader')],
    ]);
    const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.operationId, reverted.id));
    expect(audit.map((a) => a.after)).toEqual(
      expect.arrayContaining([
        { roleId: h.roleId('Reader'), email: before?.email, lastName: before?.lastName },
        { status: 'active' },
      ]),
    );

    // Single-use: a second revert finds every user changed since (by the first) and gives nothing back.
    const again = await revert(ada.operationId ?? '');
    expect(again.counts).toMatchObject({ change: 0 });
    const after = await h.userRows([reader, active, ada.id]);
    expect(after.map((r) => r.version)).toEqual(rows.map((r) => r.version));
  });

  it('gives a rename back (e-mail and names), unless another user has the old e-mail since', async () => {
    const [one = '', two = ''] = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const [first, second] = await h.userRows([one, two]);
    const renamed = await write([
      patch(one, { op: 'replace', path: 'userName', value: 'one.new@example.com' }),
    ]);
    await write([
      patch(
        two,
        { op: 'replace', path: 'userName', value: 'two.new@example.com' },
        { op: 'replace', path: 'name.givenName', value: 'Twice' },
      ),
    ]);
    // Someone else takes one's old e-mail address meanwhile.
    await create(first?.email ?? '');
    h.clock.advance(MINUTE);
    const reverted = await revert(renamed.operationId ?? '');
    expect(reverted.counts).toMatchObject({ change: 1, blocked: 1, skip: 1 });
    const results = await h.admin.caller.bulk.results({ id: reverted.id });
    expect(results.items.map((r) => [r.email, r.outcome, r.reason])).toEqual([
      ['one.new@example.com', 'blocked', 'email_taken'],
      ['two.new@example.com', 'change', null],
      [first?.email, 'skip', 'created_by_operation'],
    ]);
    const rows = await h.db
      .select()
      .from(users)
      .where(inArray(users.id, [one, two]))
      .orderBy(asc(users.email));
    expect(rows.map((r) => [r.id, r.email, r.firstName])).toEqual(
      [
        [one, 'one.new@example.com', first?.firstName],
        [two, second?.email, second?.firstName],
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
  });
});

describe('a write of the minute after its operation’s revert (issue 20: a lagging clock)', () => {
  const rename = (id: string, familyName: string) =>
    patch(id, { op: 'replace', path: 'name.familyName', value: familyName });
  const operation = async (id: string) => {
    const [row] = await h.db.select().from(bulkOperations).where(eq(bulkOperations.id, id));
    return row;
  };

  it('opens the minute’s next operation; the reverted one’s results stay as its revert gave them back', async () => {
    h.clock.set(new Date('2026-03-02T09:00:10.000Z'));
    const [one = '', two = ''] = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const [oneBefore, twoBefore] = await h.userRows([one, two]);
    const first = (await write([rename(one, 'First')])).operationId ?? '';
    h.clock.set(new Date('2026-03-02T09:01:00.000Z'));
    const reverted = await revert(first);
    expect(reverted.counts).toMatchObject({ change: 1 });
    const [firstRow, firstItems] = [await operation(first), await itemsOf(first)];

    // A server whose clock still says 09:00 writes for the token: not into the reverted operation.
    const lagging = new Date('2026-03-02T09:00:50.000Z');
    const later = await write([rename(two, 'Later')], true, TOKEN, lagging);
    const again = await write([rename(one, 'Again')], true, TOKEN, lagging);
    expect(later.operationId).not.toBe(first);
    expect(again.operationId).toBe(later.operationId);
    expect(await operation(first)).toEqual(firstRow);
    expect(await itemsOf(first)).toEqual(firstItems);
    expect(await operation(later.operationId ?? '')).toMatchObject({
      status: 'succeeded',
      total: 2,
      changed: 2,
      params: { request: 'Single requests, 2026-03-02 09:00 UTC, part 2', generation: 1 },
    });
    expect((await itemsOf(later.operationId ?? '')).map((i) => [i.position, i.userId])).toEqual([
      [1, two],
      [2, one],
    ]);
    // The revert gave back the first write only; the later ones stand.
    const rows = await h.userRows([one, two]);
    expect(rows.map((r) => r.lastName)).toEqual(['Again', 'Later']);

    // The next operation is reverted in its turn (once its minute has passed), and the one after
    // that takes the minute's writes after it.
    const revertedLater = await revert(later.operationId ?? '');
    expect(revertedLater.counts).toMatchObject({ change: 2 });
    const [oneBack, twoBack] = await h.userRows([one, two]);
    // Each user as before the later writes: one as the first revert gave it back, two untouched.
    expect([oneBack?.lastName, twoBack?.lastName]).toEqual([oneBefore?.lastName, twoBefore?.lastName]);
    const third = await write([rename(two, 'Third')], true, TOKEN, lagging);
    expect([first, later.operationId]).not.toContain(third.operationId);
    expect(await operation(third.operationId ?? '')).toMatchObject({
      total: 1,
      params: { request: 'Single requests, 2026-03-02 09:00 UTC, part 3', generation: 2 },
    });
  });

  it('a queued revert closes the operation too: it gives back what the operation held when recorded', async () => {
    h.clock.set(new Date('2026-03-02T09:00:10.000Z'));
    const [one = '', two = ''] = await h.createUsers(2, { status: 'active', role: 'Reader' });
    const [oneBefore] = await h.userRows([one]);
    const first = (await write([rename(one, 'First')])).operationId ?? '';
    const revertAt = new Date('2026-03-02T09:01:00.000Z');
    const queued = await recordFollowUpOperation(
      h.db,
      'revert',
      { operationId: randomUUID(), id: first },
      h.admin.user.id,
      revertAt,
      h.config,
    );
    expect(queued.queued).toBe(1);
    const firstItems = await itemsOf(first);

    const later = await write([rename(two, 'Later')], true, TOKEN, new Date('2026-03-02T09:00:50.000Z'));
    expect(later.operationId).not.toBe(first);
    expect(await itemsOf(first)).toEqual(firstItems);
    expect(await operation(first)).toMatchObject({ total: 1, changed: 1 });

    await claimOperation(h.db, h.config, revertAt, queued.id);
    await runOperation(h.db, queued.id, h.config, { now: () => revertAt });
    expect(await operation(queued.id)).toMatchObject({ status: 'succeeded', changed: 1 });
    const rows = await h.userRows([one, two]);
    expect(rows.map((r) => r.lastName)).toEqual([oneBefore?.lastName, 'Later']);
  });

  it('writes sent at once after a revert all land in the minute’s next operation, numbered once each', async () => {
    h.clock.set(new Date('2026-03-02T09:00:10.000Z'));
    const ids = await h.createUsers(6, { status: 'active', role: 'Reader' });
    const first = (await write([rename(ids[0] ?? '', 'First')])).operationId ?? '';
    h.clock.set(new Date('2026-03-02T09:01:00.000Z'));
    await revert(first);
    const lagging = new Date('2026-03-02T09:00:50.000Z');
    const runs = await Promise.all(
      ids.map((id, i) => write([rename(id, `Later ${i}`)], true, TOKEN, lagging)),
    );
    const opened = new Set(runs.map((r) => r.operationId));
    expect(opened.size).toBe(1);
    expect(opened.has(first)).toBe(false);
    const items = await itemsOf(runs[0]?.operationId ?? '');
    expect(items.map((i) => i.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(items.map((i) => i.userId).sort()).toEqual([...ids].sort());
    expect(await itemsOf(first)).toHaveLength(1);
  });

  it('a revert and writes at once: the revert gives back exactly the results its operation holds', async () => {
    h.clock.set(new Date('2026-03-02T09:00:10.000Z'));
    const ids = await h.createUsers(6, { status: 'active', role: 'Reader' });
    const first = (await write([rename(ids[0] ?? '', 'First')])).operationId ?? '';
    h.clock.set(new Date('2026-03-02T09:01:00.000Z'));
    const lagging = new Date('2026-03-02T09:00:59.000Z');
    const [reverted] = await Promise.all([
      revert(first),
      ...ids.slice(1).map((id, i) => write([rename(id, `Later ${i}`)], true, TOKEN, lagging)),
    ]);
    const held = (await itemsOf(first)).filter((i) => i.outcome === 'change').map((i) => i.userId);
    const givenBack = (await itemsOf(reverted.id)).map((i) => i.userId);
    expect(givenBack.sort()).toEqual(held.sort());
    expect(reverted.total).toBe(held.length);
  });

  it.each(['cancelled', 'failed'] as const)(
    'a minute operation that ended %s takes no more writes either',
    async (status) => {
      h.clock.set(new Date('2026-03-02T09:00:10.000Z'));
      const [one = '', two = ''] = await h.createUsers(2, { status: 'active', role: 'Reader' });
      const first = (await write([rename(one, 'First')])).operationId ?? '';
      // Neither is reached by the app today (a write leaves the operation finished, and a finished
      // one is neither cancelled nor run by a worker); the rule holds should one be.
      await h.db.update(bulkOperations).set({ status }).where(eq(bulkOperations.id, first));
      const later = await write([rename(two, 'Later')]);
      expect(later.operationId).not.toBe(first);
      expect(await itemsOf(first)).toHaveLength(1);
    },
  );
});
