import { bulkOperations, type Db, emailOutbox, sessions, users } from '@roster/db';
import { AWAY_AFTER_MS, type BulkOperationStatus } from '@roster/domain';
import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { operationFinishedEmail } from '../bulk/operationFinishedEmail';
import type { ApiConfig } from '../config';

/** How an operation ends: its status, and for a failure its sentence and the users it did not reach. */
export type Ending = {
  status: Exclude<BulkOperationStatus, 'receiving' | 'queued' | 'running'>;
  error?: string;
  /** Users recorded as failed because the operation stopped before them. */
  unreached?: number;
};

/**
 * Marks a running operation finished, in `tx` (the caller's transaction). Only the change from
 * running to finished writes (a second call finds nothing), so what follows happens exactly once:
 * when the operation ran in the background and the administrator who started it is away from the app
 * (no session of theirs asked `bulk.finishedSince` within AWAY_AFTER_MS), its e-mail is queued in the
 * outbox in the same transaction.
 */
export async function finishOperation(
  tx: Db,
  id: string,
  ending: Ending,
  at: Date,
  options: { config: ApiConfig; background: boolean },
): Promise<void> {
  const unreached = ending.unreached ?? 0;
  const [finished] = await tx
    .update(bulkOperations)
    .set({
      status: ending.status,
      finishedAt: at,
      leaseUntil: null,
      ...(ending.error === undefined ? {} : { error: ending.error }),
      ...(unreached === 0
        ? {}
        : {
            processed: sql`${bulkOperations.processed} + ${unreached}`,
            failed: sql`${bulkOperations.failed} + ${unreached}`,
          }),
    })
    .where(and(eq(bulkOperations.id, id), inArray(bulkOperations.status, ['queued', 'running'])))
    .returning({
      kind: bulkOperations.kind,
      status: bulkOperations.status,
      actorId: bulkOperations.actorId,
      total: bulkOperations.total,
      changed: bulkOperations.changed,
      skipped: bulkOperations.skipped,
      blocked: bulkOperations.blocked,
      failed: bulkOperations.failed,
      createdAt: bulkOperations.createdAt,
    });
  if (!finished || !options.background) return;
  const present = await tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, finished.actorId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, at),
        gt(sessions.lastSeenAt, new Date(at.getTime() - AWAY_AFTER_MS)),
      ),
    )
    .limit(1);
  if (present.length > 0) return;
  const [actor] = await tx
    .select({ email: users.email, status: users.status })
    .from(users)
    .where(eq(users.id, finished.actorId));
  if (actor?.status !== 'active') return;
  const email = operationFinishedEmail({
    platformName: options.config.platformName,
    publicUrl: options.config.publicUrl,
    operation: {
      id,
      kind: finished.kind,
      status: finished.status,
      total: finished.total,
      counts: {
        change: finished.changed,
        skip: finished.skipped,
        blocked: finished.blocked,
        failed: finished.failed,
      },
      createdAt: finished.createdAt,
    },
  });
  await tx.insert(emailOutbox).values({
    to: actor.email,
    ...email,
    status: options.config.smtp ? 'queued' : 'captured',
    operationId: id,
    createdAt: at,
    nextAttemptAt: at,
  });
}
