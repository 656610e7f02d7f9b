import { bulkOperations, type Db, queryRows, sqlTime, users } from '@roster/db';
import {
  type BulkOperation,
  type BulkOperationKind,
  bulkOperationSchema,
  importParamsSchema,
  revertParamsSchema,
} from '@roster/domain';
import { and, eq, sql } from 'drizzle-orm';
import { adminRoleIds } from '../bulk/adminRoleIds';
import type { BatchResult, BatchRun, OperationTally } from '../bulk/batchEnvelope';
import { operationRule, revertRule } from '../bulk/batchRules';
import { loadPlanContext } from '../bulk/planContext';
import { processBatch } from '../bulk/processBatch';
import { INLINE_MAX_USERS } from '../bulk/recordedOperation';
import { dropRemainingBatches, failRemainingBatches } from '../bulk/selectionBatches';
import type { ApiConfig } from '../config';
import { logTransientRetry, logUnexpectedError, unexpectedErrorSentence } from '../errorText';
import { loadImportFileFacts, processImportBatch } from '../imports/processImportBatch';
import { wakeBulkRunner } from './bulkWakeups';
import { type Ending, finishOperation } from './finishOperation';
import { giveWayToRequests } from './giveWayToRequests';
import { retryTransient } from './retryTransient';
import { SlicePacer } from './slicePacer';

export type RunOptions = {
  now?: () => Date;
  /** Stop after this many batches, or slices of batches (tests). */
  maxBatches?: number;
  /**
   * Asked before each batch: true (the process is shutting down) ends every lane after its current
   * batch, and an operation left unfinished gives its lease back, so another process takes it over at
   * once instead of waiting for the lease to run out.
   */
  shouldStop?: () => boolean;
  /**
   * Run by a worker, not inside the request that started it: the administrator who started it may
   * have left, and is told by e-mail when they are away (finishOperation).
   */
  background?: boolean;
  /** Batches taken side by side (default `bulkConcurrency`): one for an operation run inside its request. */
  lanes?: number;
};

function finalStatus(row: { skipped: number; blocked: number; failed: number }): Ending['status'] {
  if (row.failed > 0) return 'failed';
  return row.skipped + row.blocked > 0 ? 'completed_with_skips' : 'succeeded';
}

/** Re-exported for the tests that size operations around it. */
export { INLINE_MAX_USERS };

/**
 * Runs a just-started operation inside its request, on the request's clock (what the preview showed
 * is what applies), when it has at most INLINE_MAX_USERS users; larger ones are left to the workers,
 * this process's woken at once.
 */
export async function runInsideRequestWhenSmall(
  db: Db,
  config: ApiConfig,
  now: Date,
  id: string,
  users: number,
): Promise<void> {
  if (users > INLINE_MAX_USERS) {
    wakeBulkRunner();
    return;
  }
  const claimed = await claimOperation(db, config, now, id);
  // One lane: a small operation is one batch or a few, and a second lane would only find none left.
  if (claimed) await runOperation(db, claimed, config, { now: () => now, lanes: 1 });
}

/**
 * Takes a queued operation, or a running one whose worker stopped extending its lease (a crashed
 * process), and holds it with a lease. SKIP LOCKED lets several server processes look at once. Named
 * by `id`, a queued operation is taken whatever its lease: it is the request that recorded it
 * claiming what `leaseOfQueued` kept for it.
 */
export async function claimOperation(
  db: Db,
  config: ApiConfig,
  now: Date,
  id?: string,
): Promise<string | null> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update bulk_operations set status = 'running', started_at = coalesce(started_at, ${sqlTime(now)}),
          lease_until = ${sqlTime(new Date(now.getTime() + config.bulkLeaseMs))}
        where id = (
          select id from bulk_operations
          where status in ('queued', 'running')
            and (lease_until is null or lease_until < ${sqlTime(now)} ${id ? sql`or status = 'queued'` : sql``})
            ${id ? sql`and id = ${id}` : sql``}
          order by created_at for update skip locked limit 1)
        returning id`,
  );
  return rows[0]?.id ?? null;
}

/**
 * How the next batch of an operation (or its first `limit` users) is processed: an import creates
 * users; the rest change them.
 */
async function batchProcessor(
  db: Db,
  id: string,
  kind: BulkOperationKind,
  rawParams: unknown,
  actor: { id: string; name: string },
  config: ApiConfig,
  startedAt: Date,
): Promise<(now: Date, run: BatchRun) => Promise<BatchResult>> {
  if (kind === 'import') {
    const params = importParamsSchema.parse(rawParams);
    const file = await loadImportFileFacts(db, id);
    return (now, run) => processImportBatch(db, { id, params, file }, actor, now, config, run);
  }
  const apply = { actor, config };
  if (kind === 'revert') {
    const params = revertParamsSchema.parse(rawParams);
    const rule = revertRule(params.operationId, {
      actorId: actor.id,
      invitationTtlMs: config.invitationTtlDays * 86_400_000,
      adminRoleIds: await adminRoleIds(db),
    });
    return (now, run) => processBatch(db, id, rule, apply, now, run);
  }
  const params: BulkOperation = bulkOperationSchema.parse(rawParams);
  const { role, source, invitationTtlMs, actorId } = await loadPlanContext(
    db,
    params,
    actor.id,
    startedAt,
    config,
  );
  const rule = operationRule(params, { role, source, invitationTtlMs, actorId });
  return (now, run) => processBatch(db, id, rule, apply, now, run);
}

/**
 * Processes a claimed operation batch by batch until it is done, cancelled or `maxBatches` is
 * reached. Requests that came in meanwhile are answered between two batches; on the embedded
 * database (`bulkSliceTargetMs`) batches are taken in slices short enough for them to wait little.
 * The batch that processes the operation's last users ends it in its own transaction; a cancel asked
 * for is seen on the operation's row as each batch is taken (no batch starts after it) and as each
 * batch moves its counters, and before the first.
 */
export async function runOperation(
  db: Db,
  id: string,
  config: ApiConfig,
  options: RunOptions = {},
): Promise<void> {
  const now = options.now ?? (() => new Date());
  const [row] = await db
    .select({
      kind: bulkOperations.kind,
      params: bulkOperations.params,
      actorId: bulkOperations.actorId,
      cancelRequested: bulkOperations.cancelRequested,
      firstName: users.firstName,
      lastName: users.lastName,
      email: users.email,
    })
    .from(bulkOperations)
    .innerJoin(users, eq(users.id, bulkOperations.actorId))
    .where(eq(bulkOperations.id, id));
  if (!row) return;
  const finishing = { config, background: options.background === true };
  try {
    const actor = { id: row.actorId, name: `${row.firstName} ${row.lastName}`.trim() || row.email };
    const processNext = await batchProcessor(db, id, row.kind, row.params, actor, config, now());
    const pacer = config.bulkSliceTargetMs === null ? null : new SlicePacer(config.bulkSliceTargetMs);
    let batches = 0;
    let cancelled = row.cancelRequested;
    /** Set once the batch whose transaction ended the operation has committed. */
    let finished = false;
    const stopping = () => options.shouldStop?.() === true;
    /** A lane failed: the others stop after their current batch. */
    let halted = false;
    /** The operation's last users processed, and no cancel asked for: it ends in that batch's transaction. */
    const isLast = (tally: OperationTally) => tally.processed >= tally.total && !tally.cancelRequested;
    const endWhenLast = async (tx: Db, tally: OperationTally) => {
      if (isLast(tally)) await finishOperation(tx, id, { status: finalStatus(tally) }, now(), finishing);
    };
    /** One lane of batches; `lanes` of them take the next batches side by side. */
    const lane = async () => {
      while (
        !cancelled &&
        !finished &&
        !halted &&
        !stopping() &&
        (options.maxBatches === undefined || batches < options.maxBatches)
      ) {
        batches++;
        // Also before the first: Apply answers before the operation's first transaction starts. On
        // the embedded database, the requests in flight are answered first (a run inside its request
        // does not wait for that request).
        await giveWayToRequests(pacer ? { ownRequests: options.background ? 0 : 1 } : undefined);
        const started = performance.now();
        // A batch that failed on a transient error rolled back whole (its claim too): it is run again.
        const result = await retryTransient(
          () => processNext(now(), { limit: pacer?.next(), whenTallied: endWhenLast }),
          config.bulkTransientRetryDelaysMs,
          (error, attempt) => logTransientRetry(id, error, attempt),
        ).catch((error: unknown) => {
          halted = true;
          throw error;
        });
        pacer?.record(result.processed, performance.now() - started);
        if (result.cancelRequested) cancelled = true;
        if (result.tally === null) return;
        // Every user processed: the operation ended in that transaction, or is being cancelled.
        if (isLast(result.tally)) finished = true;
      }
    };
    const lanes = Math.max(1, options.lanes ?? config.bulkConcurrency);
    // Every lane ends before anything is decided about the operation, even when one has failed.
    const settled = await Promise.allSettled(Array.from({ length: lanes }, lane));
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    if (finished) return;
    if (cancelled) {
      await dropRemainingBatches(db, id);
      await db.transaction((tx) => finishOperation(tx, id, { status: 'cancelled' }, now(), finishing));
      return;
    }
    // No batch of this run was the last (another process took it, or the run stopped early).
    const [done] = await db
      .select({
        total: bulkOperations.total,
        processed: bulkOperations.processed,
        skipped: bulkOperations.skipped,
        blocked: bulkOperations.blocked,
        failed: bulkOperations.failed,
      })
      .from(bulkOperations)
      .where(eq(bulkOperations.id, id));
    if (done && done.processed >= done.total) {
      await db.transaction((tx) => finishOperation(tx, id, { status: finalStatus(done) }, now(), finishing));
    } else if (stopping()) {
      // Handed back: every batch of this process has committed, so any process may claim it now.
      await db
        .update(bulkOperations)
        .set({ leaseUntil: null })
        .where(and(eq(bulkOperations.id, id), eq(bulkOperations.status, 'running')));
    }
  } catch (error) {
    logUnexpectedError(id, error);
    // In one transaction: the users not reached are recorded as failed exactly when the operation is.
    await db.transaction(async (tx) => {
      const unreached = await failRemainingBatches(tx, id, now());
      await finishOperation(
        tx,
        id,
        { status: 'failed', error: unexpectedErrorSentence(id), unreached },
        now(),
        finishing,
      );
    });
  }
}
