import { bulkOperationItems, type Db } from '@roster/db';
import { csvRow, reasonSentence, resultDetail } from '@roster/domain';
import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm';

const PAGE = 5_000;

/** The per-user results as CSV lines, page by page (an operation may hold a million users). */
export async function* bulkResultsCsv(db: Db, operationId: string): AsyncGenerator<string> {
  yield csvRow(['user_id', 'email', 'outcome', 'reason', 'sentence']);
  let after = 0;
  for (;;) {
    const rows = await db
      .select({
        position: bulkOperationItems.position,
        userId: bulkOperationItems.userId,
        email: sql<
          string | null
        >`coalesce(${bulkOperationItems.email}, ${bulkOperationItems.input}->>'email')`,
        outcome: bulkOperationItems.outcome,
        reason: bulkOperationItems.reason,
        after: bulkOperationItems.after,
      })
      .from(bulkOperationItems)
      .where(
        and(
          eq(bulkOperationItems.operationId, operationId),
          isNotNull(bulkOperationItems.outcome),
          gt(bulkOperationItems.position, after),
        ),
      )
      .orderBy(asc(bulkOperationItems.position))
      .limit(PAGE);
    if (rows.length === 0) return;
    yield rows
      .map((r) =>
        csvRow([
          r.userId,
          r.email,
          r.outcome,
          r.reason,
          r.reason ? reasonSentence(r.reason, resultDetail(r.after)) : '',
        ]),
      )
      .join('');
    after = rows.at(-1)?.position ?? after;
  }
}
