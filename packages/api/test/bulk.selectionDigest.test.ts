import { randomUUID } from 'node:crypto';
import { bulkOperationItems, bulkOperations, queryRows } from '@roster/db';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idsDigest, insertTickedBatches } from '../src/bulk/selectionBatches';
import { callerWithConfig, expectTRPCError, useHarness } from './harness';

/**
 * An Apply of ticked users records their number and a digest of the set (so that a retried Apply can
 * be told from another operation under the same id): the digest of the distinct ids (`idsDigest`),
 * whatever their order, case and repeats. The Apply of ticked users computes it beside its batches;
 * the filter selection's unticked users and a retried Apply's list through `idsDigest`: both must agree.
 */

const h = useHarness({ admin: true });

/**
 * `idsDigest` of the distinct users `ids` names (upper- and lower-case alike), read by PostgreSQL in
 * the order listed (each the first time listed): a digest that depended on the order would differ.
 */
async function digestOf(ids: string[]): Promise<string> {
  const once = [...new Map(ids.map((id) => [id.toLowerCase(), id])).values()];
  const [row] = await queryRows<{ digest: string }>(
    h.db,
    sql`select (${idsDigest(sql`select x::uuid from unnest(string_to_array(${once.join(',')}, ',')) with ordinality as listed(x, n) order by n`)}) as digest`,
  );
  return row?.digest ?? '';
}

async function recordedSelection(id: string) {
  const [row] = await h.db
    .select({ selection: bulkOperations.selection })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, id));
  return row?.selection;
}

describe('the recorded selection of ticked users', () => {
  it('digests a set whatever its order, case and repeats, and tells it from any other set', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const digest = await digestOf(ids);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await digestOf([...ids].reverse().map((id, i) => (i % 2 ? id.toUpperCase() : id)))).toBe(digest);
    expect(await digestOf([...ids, ...ids.slice(0, 9)])).toBe(digest);
    // One user fewer, one more, one other in the place of one, none.
    const others = [ids.slice(1), [...ids, randomUUID()], [randomUUID(), ...ids.slice(1)], []];
    const digests = await Promise.all(others.map(digestOf));
    expect(new Set([digest, ...digests]).size).toBe(others.length + 1);
  });

  it('is their number and the digest of their set, whatever the order, case and repeats', async () => {
    const ids = await h.createUsers(40, { status: 'active', role: 'Reader' });
    const sent = [...ids].reverse().map((id, i) => (i % 3 === 0 ? id.toUpperCase() : id));
    const op = await h.admin.caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
      selection: { ids: [...sent, ...sent.slice(0, 5)] },
    });
    expect(await recordedSelection(op.id)).toEqual({ kind: 'ids', count: 40, digest: await digestOf(ids) });
  });

  it('the unticked users of a filter selection are recorded the same way', async () => {
    const ids = await h.createUsers(6, { status: 'active', role: 'Reader' });
    const except = [ids[0] ?? '', (ids[3] ?? '').toUpperCase()];
    const op = await h.admin.caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
      selection: { filter: { roleIds: [h.roleId('Reader')] }, expectedCount: 6, exceptIds: except },
    });
    expect(await recordedSelection(op.id)).toMatchObject({
      kind: 'filter',
      expectedCount: 6,
      except: { count: 2, digest: await digestOf(except) },
    });
  });
});

describe('Apply of ticked users, taken in one pass (issue 18 item 3)', () => {
  /** Batches of 4 users: a selection of 30 spans several, the last one short. */
  const batchesOf4 = () => callerWithConfig(h.admin.ctx, { bulkBatchSize: 4 });

  /** Each result's user, in the order of the results' positions (the order the batches were cut in). */
  async function resultUsers(operationId: string) {
    const rows = await h.db
      .select({ position: bulkOperationItems.position, userId: bulkOperationItems.userId })
      .from(bulkOperationItems)
      .where(eq(bulkOperationItems.operationId, operationId))
      .orderBy(bulkOperationItems.position);
    return rows;
  }

  it('snapshots each listed user once, in the order sent; refuses unknown users writing nothing; a retry is the same operation', async () => {
    const ids = await h.createUsers(30, { status: 'active', role: 'Reader' });
    const sent = [...ids].reverse();
    const input = {
      operationId: randomUUID(),
      operation: { kind: 'assign_role' as const, roleId: h.roleId('Buyer') },
      // Repeats, in capitals too, count once.
      selection: { ids: [...sent, ...sent.slice(0, 7).map((id) => id.toUpperCase())] },
    };
    const caller = batchesOf4();

    const before = await h.db.select().from(bulkOperations);
    await expectTRPCError(
      caller.bulk.execute({ ...input, selection: { ids: [...sent, randomUUID()] } }),
      'NOT_FOUND',
      'user_not_found',
    );
    // A repeat beside an unknown user: refused all the same.
    await expectTRPCError(
      caller.bulk.execute({ ...input, selection: { ids: [...sent, sent[3] ?? '', randomUUID()] } }),
      'NOT_FOUND',
      'user_not_found',
    );
    expect(await h.db.select().from(bulkOperations)).toEqual(before);

    const op = await caller.bulk.execute(input);
    expect(op).toMatchObject({ status: 'succeeded', total: 30, processed: 30, counts: { change: 30 } });
    const results = await resultUsers(op.id);
    expect(results).toEqual(sent.map((userId, i) => ({ position: i + 1, userId })));
    expect(await recordedSelection(op.id)).toEqual({ kind: 'ids', count: 30, digest: await digestOf(ids) });

    // The same users in another order: the same operation, nothing run twice.
    const again = await caller.bulk.execute({ ...input, selection: { ids } });
    expect(again).toEqual(op);
    expect(await resultUsers(op.id)).toEqual(results);
    await expectTRPCError(
      caller.bulk.execute({ ...input, selection: { ids: ids.slice(1) } }),
      'CONFLICT',
      'operation_conflict',
    );
  });

  it('a list of a few users of a larger tenant (each probed) and one of most of it (the key walked, the list hashed) are taken alike', async () => {
    // WALKED_LIST_SHARE is an eighth: 3 of 60 users are probed one by one, 50 of 60 found by a walk.
    const ids = await h.createUsers(60, { status: 'active', role: 'Reader' });
    for (const size of [3, 50]) {
      const sent = ids.slice(0, size).reverse();
      const input = {
        operationId: randomUUID(),
        operation: { kind: 'assign_role' as const, roleId: h.roleId(size === 3 ? 'Buyer' : 'Reader') },
        selection: { ids: [...sent, (sent[1] ?? '').toUpperCase()] },
      };
      const before = await h.db.select().from(bulkOperations);
      await expectTRPCError(
        batchesOf4().bulk.execute({ ...input, selection: { ids: [...sent, randomUUID()] } }),
        'NOT_FOUND',
        'user_not_found',
      );
      expect(await h.db.select().from(bulkOperations)).toEqual(before);
      const op = await batchesOf4().bulk.execute(input);
      expect(op).toMatchObject({ total: size, processed: size });
      expect(await resultUsers(op.id)).toEqual(sent.map((userId, i) => ({ position: i + 1, userId })));
      expect(await recordedSelection(op.id)).toEqual({
        kind: 'ids',
        count: size,
        digest: await digestOf(sent),
      });
    }
  });

  it("leaves the transaction's join settings as they were once the batches are written", async () => {
    const ids = await h.createUsers(20, { status: 'active', role: 'Reader' });
    const operationId = randomUUID();
    const digest = await digestOf(ids);
    let seen: { nestloop: string; mergejoin: string } | undefined;
    // Rolled back: the operation is only there for its batches.
    const rolledBack = await h.db
      .transaction(async (tx) => {
        await tx.insert(bulkOperations).values({
          id: operationId,
          kind: 'deactivate',
          params: { kind: 'deactivate' },
          selection: {},
          actorId: h.admin.user.id,
        });
        // A repeat: the list is taken twice, the second time distinct.
        const ticked = await insertTickedBatches(tx, operationId, [...ids, ids[0] ?? ''], 4);
        expect(ticked).toEqual({ count: 20, found: 20, digest });
        [seen] = await queryRows<{ nestloop: string; mergejoin: string }>(
          tx,
          sql`select current_setting('enable_nestloop') as nestloop, current_setting('enable_mergejoin') as mergejoin`,
        );
        tx.rollback();
      })
      .then(
        () => false,
        () => true,
      );
    expect(rolledBack).toBe(true);
    expect(seen).toEqual({ nestloop: 'on', mergejoin: 'on' });
    expect(await h.db.select().from(bulkOperations).where(eq(bulkOperations.id, operationId))).toEqual([]);
  });

  it('asks for confirmation when one of many administrators is among many users losing the role, and only then', async () => {
    // Ten administrators besides the acting one: their list is long enough for PostgreSQL to hash it.
    const admins = await h.createUsers(10, { status: 'active', role: 'Administrator' });
    const readers = await h.createUsers(30, { status: 'active', role: 'Reader' });
    const demote = (ids: string[], confirmPrivileged?: boolean) =>
      batchesOf4().bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
        selection: { ids },
        confirmPrivileged,
      });
    const before = await h.db.select().from(bulkOperations);
    await expectTRPCError(
      demote([...readers.slice(0, 17), admins[6] ?? '', ...readers.slice(17)]),
      'PRECONDITION_FAILED',
      'confirmation_required',
    );
    expect(await h.db.select().from(bulkOperations)).toEqual(before);
    expect((await demote(readers)).counts.change).toBe(30);
    expect((await demote([admins[2] ?? '', admins[3] ?? ''], true)).counts.change).toBe(2);
  });
});
