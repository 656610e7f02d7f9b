import { type Db, queryRows, reuseCachedPlans, sqlTime } from '@roster/db';
import { sql } from 'drizzle-orm';

/** What one batch did to its users (or rows). */
export type BatchCounts = {
  processed: number;
  changed: number;
  skipped: number;
  blocked: number;
  failed: number;
};

/**
 * The operation as a batch's transaction left it: its counters with this batch's added, and whether
 * an administrator asked to cancel it (read on the operation's row, locked by the counters' update).
 */
export type OperationTally = {
  total: number;
  processed: number;
  skipped: number;
  blocked: number;
  failed: number;
  cancelRequested: boolean;
};

/**
 * A batch's counts, the operation's tally after it (`null` when no batch was processed) and whether
 * a cancel was asked for (seen as the batch was taken, or on the tally).
 */
export type BatchResult = BatchCounts & { tally: OperationTally | null; cancelRequested: boolean };

const NO_BATCH = { processed: 0, changed: 0, skipped: 0, blocked: 0, failed: 0, tally: null };
export const NOTHING_LEFT: BatchResult = { ...NO_BATCH, cancelRequested: false };
const CANCEL_SEEN: BatchResult = { ...NO_BATCH, cancelRequested: true };

/**
 * A column every batch's take reads beside its batch (no statement of its own): whether an
 * administrator asked to cancel the operation, so that no batch starts once they have.
 */
export const cancelRequestedColumn = (operationId: string) =>
  sql`(select cancel_requested from bulk_operations where id = ${operationId}) as cancel_requested`;

/** What every take returns beside its batch (`cancelRequestedColumn`). */
export type TakenBatch = { cancel_requested: boolean };

/**
 * Run in a batch's transaction once the operation's counters are moved: the runner ends the
 * operation there when this batch was its last (one transaction, not another after it).
 */
export type WhenTallied = (tx: Db, tally: OperationTally) => Promise<void>;

/** How a batch is taken: at most `limit` of its users (or rows), and what follows the tally. */
export type BatchRun = {
  /**
   * Take at most this many of the batch's users: they leave it with their results, the others stay
   * in it for the next transaction (the embedded database's slices, see `bulkSliceTargetMs`).
   */
  limit?: number | undefined;
  whenTallied?: WhenTallied | undefined;
};

/**
 * The envelope of every batch, whatever the kind (an operation's users, an import's rows), in one
 * transaction: take the operation's next batch that no other transaction holds (`take`, SKIP
 * LOCKED), process it (`process`: decide, write the changes, their effects, audit and results, and
 * release what it took), then move the operation's counters, extend its lease and hand the tally to
 * `whenTallied`. A batch taken once a cancel was asked for is left as it is. A crash anywhere rolls
 * the whole transaction back, so each user (or row) is processed exactly once.
 */
export async function inBatchTransaction<Batch extends TakenBatch>(
  db: Db,
  operation: { id: string; now: Date; leaseMs: number; whenTallied?: WhenTallied | undefined },
  take: (tx: Db) => Promise<Batch | undefined>,
  process: (tx: Db, batch: Batch) => Promise<BatchCounts>,
): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    await reuseCachedPlans(tx);
    const batch = await take(tx);
    if (batch === undefined) return NOTHING_LEFT;
    if (batch.cancel_requested) return CANCEL_SEEN;
    const counts = await process(tx, batch);
    const [tally] = await queryRows<OperationTally>(
      tx,
      sql`update bulk_operations set processed = processed + ${counts.processed},
        changed = changed + ${counts.changed}, skipped = skipped + ${counts.skipped},
        blocked = blocked + ${counts.blocked}, failed = failed + ${counts.failed},
        lease_until = ${sqlTime(new Date(operation.now.getTime() + operation.leaseMs))}
      where id = ${operation.id}
      returning total, processed, skipped, blocked, failed, cancel_requested as "cancelRequested"`,
    );
    if (tally && operation.whenTallied) await operation.whenTallied(tx, tally);
    return { ...counts, tally: tally ?? null, cancelRequested: tally?.cancelRequested ?? false };
  });
}
