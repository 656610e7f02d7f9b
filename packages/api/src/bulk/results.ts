import { bulkOperationItems, bulkOperations, type Db, MAX_INTEGER } from '@roster/db';
import { DomainError, OUTCOMES, reasonSentence, resultDetail, storable } from '@roster/domain';
import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';

export const bulkResultsInputSchema = z
  .object({
    id: z.uuid(),
    outcome: z.enum(OUTCOMES).optional(),
    reason: storable(z.string().max(50)).optional(),
    /** The position after which the page starts (from `nextCursor`). */
    cursor: z.number().int().min(0).max(MAX_INTEGER).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    /** Sent by tRPC's infinite queries; pages only go forward. */
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .strict();

/** Whether a bulk operation (or a previewed import) has this id. */
export async function operationExists(db: Db, id: string): Promise<boolean> {
  const found = await db
    .select({ id: bulkOperations.id })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, id));
  return found.length > 0;
}

/** Per-user results of an operation, in selection order, filterable by outcome and reason. */
export async function listResults(db: Db, input: z.infer<typeof bulkResultsInputSchema>) {
  if (!(await operationExists(db, input.id))) throw new DomainError('operation_not_found');
  const limit = input.limit ?? 100;
  const rows = await db
    .select({
      position: bulkOperationItems.position,
      userId: bulkOperationItems.userId,
      email: sql<string | null>`coalesce(${bulkOperationItems.email}, ${bulkOperationItems.input}->>'email')`,
      outcome: bulkOperationItems.outcome,
      reason: bulkOperationItems.reason,
      before: bulkOperationItems.before,
      after: bulkOperationItems.after,
    })
    .from(bulkOperationItems)
    .where(
      and(
        eq(bulkOperationItems.operationId, input.id),
        isNotNull(bulkOperationItems.outcome),
        input.outcome ? eq(bulkOperationItems.outcome, input.outcome) : undefined,
        input.reason ? eq(bulkOperationItems.reason, input.reason) : undefined,
        input.cursor !== undefined ? gt(bulkOperationItems.position, input.cursor) : undefined,
      ),
    )
    .orderBy(asc(bulkOperationItems.position))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    items: page.flatMap((row) =>
      row.outcome
        ? [
            {
              /** The user's place in the selection; for an import, the line of the file. */
              position: row.position,
              userId: row.userId ?? '',
              email: row.email ?? '',
              outcome: row.outcome,
              reason: row.reason,
              sentence: row.reason ? reasonSentence(row.reason, resultDetail(row.after)) : null,
              before: row.before,
              after: row.after,
            },
          ]
        : [],
    ),
    nextCursor: rows.length > limit ? (page.at(-1)?.position ?? null) : null,
  };
}
