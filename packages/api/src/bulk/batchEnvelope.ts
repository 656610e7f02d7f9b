import { type Db, reuseCachedPlans, sqlTime } from '@roster/db';
import { sql } from 'drizzle-orm';

export type BatchResult = {
  processed: number;
  changed: number;
  skipped: number;
  blocked: number;
  failed: number;
};

export const NOTHING_LEFT: BatchResult = {
  processed: 0,
  changed: 0,
  skipped: 0,
  blocked: 0,
  failed: 0,
};

/**
 * The envelope of every batch, whatever the kind (an operation's users, an import's rows), in one
 * transaction: take the operation's next batch that no other transaction holds (`take`, SKIP
 * LOCKED), process it (`process`: decide, write the changes, their effects, audit and results, and
 * release what it took), then move the operation's counters and extend its lease. A crash anywhere
 * rolls the whole transaction back, so each user (or row) is processed exactly once.
 */
export async function inBatchTransaction<Batch>(
  db: Db,
  operation: { id: string; now: Date; leaseMs: number },
  take: (tx: Db) => Promise<Batch | undefined>,
  process: (tx: Db, batch: Batch) => Promise<BatchResult>,
): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    await reuseCachedPlans(tx);
    const batch = await take(tx);
    if (batch === undefined) return NOTHING_LEFT;
    const result = await process(tx, batch);
    await tx.execute(sql`update bulk_operations set processed = processed + ${result.processed},
        changed = changed + ${result.changed}, skipped = skipped + ${result.skipped},
        blocked = blocked + ${result.blocked}, failed = failed + ${result.failed},
        lease_until = ${sqlTime(new Date(operation.now.getTime() + operation.leaseMs))}
      where id = ${operation.id}`);
    return result;
  });
}
