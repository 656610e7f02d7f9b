import { randomUUID } from 'node:crypto';
import { bulkOperationItems, bulkOperations } from '@roster/db';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { claimOperation, runOperation, startBulkRunner } from '../src';
import { callerWithConfig, useHarness } from './harness';

/**
 * Graceful shutdown (issue 16 item 13): a stopping runner ends the running operation after its current
 * batch and hands its lease back, so another worker takes it over at once (not when a 60 s lease runs
 * out) and finishes it, every user processed exactly once.
 */

const h = useHarness({ admin: true });
const TOTAL = 2_000;
const config = { ...h.config, bulkBatchSize: 100, bulkLeaseMs: 60_000 };

/** Each batch's update of users takes at least 50 ms, so the operation is surely stopped mid-way. */
async function slowUpdates(): Promise<void> {
  await h.db.execute(
    sql.raw(`create or replace function slow_update() returns trigger language plpgsql as $$
      begin perform pg_sleep(0.05); return null; end $$`),
  );
  await h.db.execute(
    sql.raw(
      'create trigger slow_update after update on users for each statement execute function slow_update()',
    ),
  );
}

afterEach(async () => {
  await h.db.execute(sql.raw('drop trigger if exists slow_update on users'));
  await h.db.execute(sql.raw('drop function if exists slow_update()'));
});

async function operationRow(id: string) {
  const [row] = await h.db
    .select({
      status: bulkOperations.status,
      processed: bulkOperations.processed,
      leaseUntil: bulkOperations.leaseUntil,
    })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, id));
  if (!row) throw new Error(`operation ${id} is missing`);
  return row;
}

describe('a bulk runner stopped mid-operation (SIGTERM)', () => {
  it('ends after its current batch and hands the lease back: another worker finishes at once, each user once', {
    timeout: 120_000,
  }, async () => {
    const ids = await h.createUsers(TOTAL, { status: 'active', role: 'Reader' });
    const op = await callerWithConfig(h.admin.ctx, config).bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
      selection: { ids },
    });
    expect(op.status).toBe('queued');
    await slowUpdates();

    const runner = startBulkRunner(h.db, config, { pollMs: 10 });
    for (let waited = 0; (await operationRow(op.id)).processed < 300; waited += 10) {
      if (waited > 60_000) throw new Error('the runner did not start the operation');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await runner.stop();

    const stopped = await operationRow(op.id);
    expect(stopped.status).toBe('running');
    expect(stopped.processed).toBeGreaterThanOrEqual(300);
    expect(stopped.processed).toBeLessThan(TOTAL);
    // Whole batches only: the batch running at stop was finished, none was cut or rolled back.
    expect(stopped.processed % 100).toBe(0);
    expect(stopped.leaseUntil).toBeNull();

    // Another worker, well inside what was the 60 s lease.
    const claimed = await claimOperation(h.db, config, new Date());
    expect(claimed).toBe(op.id);
    await runOperation(h.db, op.id, config);
    expect(await operationRow(op.id)).toMatchObject({
      status: 'succeeded',
      processed: TOTAL,
      leaseUntil: null,
    });

    const results = await h.db
      .select({ userId: bulkOperationItems.userId, outcome: bulkOperationItems.outcome })
      .from(bulkOperationItems)
      .where(eq(bulkOperationItems.operationId, op.id));
    expect(results).toHaveLength(TOTAL);
    expect(new Set(results.map((r) => r.userId)).size).toBe(TOTAL);
    expect(results.every((r) => r.outcome === 'change')).toBe(true);
    const audited = await h.auditedUserIds(op.id);
    expect(audited).toHaveLength(TOTAL);
    expect(new Set(audited).size).toBe(TOTAL);
  });

  it('keeps the lease of an operation it did not stop (maxBatches): no other worker takes it yet', async () => {
    const ids = await h.createUsers(TOTAL, { status: 'active', role: 'Reader' });
    const op = await callerWithConfig(h.admin.ctx, config).bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
      selection: { ids },
    });
    expect(await claimOperation(h.db, config, new Date())).toBe(op.id);
    await runOperation(h.db, op.id, config, { maxBatches: 2 });
    expect((await operationRow(op.id)).leaseUntil).not.toBeNull();
    expect(await claimOperation(h.db, config, new Date())).toBeNull();
  });
});
