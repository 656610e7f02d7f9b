import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { bulkOperationBatches, bulkOperationItems, users } from '@roster/db';
import { IMPORT_CHUNK_ROWS } from '@roster/domain';
import { eq, inArray, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_SLICE_TARGET_MS, startBulkRunner } from '../src';
import { INLINE_MAX_USERS } from '../src/runner/runOperation';
import { callerWithConfig, useHarness } from './harness';

/** Enough users for the background worker (more than Apply runs inside the request) and many slices. */
const USERS = INLINE_MAX_USERS * 3;

// The engine configured as the server configures it on the embedded database.
const h = useHarness({ config: { bulkSliceTargetMs: EMBEDDED_SLICE_TARGET_MS } });

type Seen = { status: string; processed: number; total: number };

describe('Embedded responsiveness', () => {
  it('while a large operation runs, `bulk.get` reports increasing progress and users.list answers', {
    timeout: 120_000,
  }, async () => {
    const { session } = await h.signedIn('Administrator');
    const contributor = h.roleId('Contributor');
    const ids = await h.createUsers(USERS, { status: 'active', role: 'Reader' });
    const runner = startBulkRunner(h.db, h.config, { pollMs: 20 });
    let operationId = '';
    try {
      // Each call is a request of its own, its session resolved as the HTTP adapter does.
      const applied = await (await h.asSession(session)).bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'assign_role', roleId: contributor },
        selection: { ids },
      });
      operationId = applied.id;
      // Apply answers with the operation before it is done: the panel can show its progress bar.
      expect(applied.total).toBe(USERS);
      expect(applied.processed).toBeLessThan(USERS);

      // A users' page, then the operation, again and again until it is done. The operation read
      // right after each page says whether that page was answered while the operation still ran:
      // a read queued behind the whole operation would only ever see it finished.
      const seen: Seen[] = [];
      const answeredMeanwhile: number[] = [];
      for (;;) {
        // Requests come in over the network, between turns of the event loop; so do these.
        await nextTurn();
        const page = await (await h.asSession(session)).users.list({ limit: 50 });
        expect(page.items.length).toBeGreaterThan(0);
        const op = await (await h.asSession(session)).bulk.get({ id: applied.id });
        seen.push({ status: op.status, processed: op.processed, total: op.total });
        if (op.status !== 'queued' && op.status !== 'running') break;
        if (op.processed > 0) answeredMeanwhile.push(op.processed);
      }

      const done = seen.at(-1);
      expect(done).toMatchObject({ status: 'succeeded', processed: USERS, total: USERS });
      // The progress only goes up, and it moved in several steps that reads saw while it ran.
      const processed = seen.map((s) => s.processed);
      expect(processed).toEqual([...processed].sort((a, b) => a - b));
      const steps = new Set(answeredMeanwhile.filter((p) => p > 0 && p < USERS));
      expect(steps.size).toBeGreaterThanOrEqual(3);
    } finally {
      await runner.stop();
    }

    // Slicing the batches kept exactly-once: one result and one audit event per user, no batch left.
    const results = await h.db
      .select({ position: bulkOperationItems.position, userId: bulkOperationItems.userId })
      .from(bulkOperationItems)
      .where(eq(bulkOperationItems.operationId, operationId));
    expect(results).toHaveLength(USERS);
    expect(new Set(results.map((r) => r.position))).toEqual(
      new Set(Array.from({ length: USERS }, (_, i) => i + 1)),
    );
    expect(new Set(results.map((r) => r.userId))).toEqual(new Set(ids));
    const audited = await h.auditedUserIds(operationId);
    expect(audited).toHaveLength(USERS);
    expect(new Set(audited).size).toBe(USERS);
    expect(
      await h.db.select().from(bulkOperationBatches).where(eq(bulkOperationBatches.operationId, operationId)),
    ).toHaveLength(0);
  });

  it('batches taken in slices keep each result at its place: an operation, its revert, an import', async () => {
    const { session } = await h.signedIn('Administrator');
    const { ctx } = await h.request({ sessionToken: session });
    // A 1 ms target: every slice is the smallest one, so each batch is taken in several.
    const caller = callerWithConfig(ctx, { bulkSliceTargetMs: 1 });
    const ids = await h.createUsers(400, { status: 'active', role: 'Reader' });
    const resultsOf = async (operationId: string) =>
      (
        await h.db
          .select({ position: bulkOperationItems.position, userId: bulkOperationItems.userId })
          .from(bulkOperationItems)
          .where(eq(bulkOperationItems.operationId, operationId))
      ).map((r) => `${r.position}:${r.userId}`);

    const op = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: h.roleId('Contributor') },
      selection: { ids },
    });
    expect(op).toMatchObject({ status: 'succeeded', processed: 400, counts: { change: 400 } });
    expect(new Set(await resultsOf(op.id))).toEqual(new Set(ids.map((id, i) => `${i + 1}:${id}`)));

    // A revert's results take the positions of the operation it reverts, slice after slice.
    const revert = await caller.bulk.revert({ operationId: randomUUID(), id: op.id });
    expect(revert).toMatchObject({ status: 'succeeded', processed: 400, counts: { change: 400 } });
    expect(new Set(await resultsOf(revert.id))).toEqual(new Set(await resultsOf(op.id)));
    const roles = await h.db.select({ roleId: users.roleId }).from(users).where(inArray(users.id, ids));
    expect(roles.every((u) => u.roleId === h.roleId('Reader'))).toBe(true);

    const rows = Array.from({ length: 300 }, (_, i) => ({
      line: i + 2,
      email: `sliced-import-${i}@roster.test`,
      firstName: 'Sliced',
      lastName: `Row ${i}`,
      role: '',
      copyAccessFrom: '',
    }));
    const operationId = randomUUID();
    const file = { fileSha256: '5'.repeat(64), fileName: 'sliced.csv', totalRows: rows.length };
    for (let i = 0; i < rows.length; i += IMPORT_CHUNK_ROWS) {
      await caller.imports.preview({ operationId, file, rows: rows.slice(i, i + IMPORT_CHUNK_ROWS) });
    }
    const imported = await caller.imports.commit({ operationId, invite: false });
    expect(imported).toMatchObject({ status: 'succeeded', processed: 300, counts: { change: 300 } });
    const created = await h.db
      .select({ id: users.id })
      .from(users)
      .where(like(users.email, 'sliced-import-%'));
    expect(created).toHaveLength(300);
    const importResults = await resultsOf(operationId);
    expect(importResults).toHaveLength(300);
    expect(new Set(importResults.map((r) => r.split(':')[1]))).toEqual(new Set(created.map((u) => u.id)));
  });
});
