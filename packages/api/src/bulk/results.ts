import { bulkOperationItems, bulkOperations, type Db, likeContains, userSearch, users } from '@roster/db';
import {
  type BulkResultsInput,
  DomainError,
  type Outcome,
  personName,
  reasonSentence,
  resultDetail,
} from '@roster/domain';
import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { searchMatches } from '../users/usersFilter';

/** Whether a bulk operation (or a previewed import) has this id. */
export async function operationExists(db: Db, id: string): Promise<boolean> {
  const found = await db
    .select({ id: bulkOperations.id })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, id));
  return found.length > 0;
}

/** Which results a page holds: after `cursor` (a position), at most `limit`, of an outcome or a reason. */
type ResultPageQuery = {
  id: string;
  outcome?: Outcome | undefined;
  reason?: string | undefined;
  /** Part of the user's e-mail address or name, case-insensitive. */
  search?: string | undefined;
  cursor?: number | undefined;
  limit: number;
};

/**
 * A result whose e-mail (as the result has it) holds the term, or whose user's name and e-mail do
 * (the Users page's search document, on its trigram index: one set of ids for the page, never a
 * look-up per result), or, for an import's row, the name the file gave. It is looked for among the
 * operation's own results, in position order: reading them is what a search costs (about a second
 * per 100,000 results for a term found nowhere, on a loaded 2-core machine).
 */
function searchCondition(term: string) {
  const pattern = likeContains(term);
  return sql`(lower(coalesce(${bulkOperationItems.email}, ${bulkOperationItems.input}->>'email', '')) like ${pattern}
    or (${bulkOperationItems.input} is not null
      and lower(concat_ws(' ', ${bulkOperationItems.input}->>'firstName', ${bulkOperationItems.input}->>'lastName')) like ${pattern})
    or ${bulkOperationItems.userId} in (select ${userSearch.userId} from ${userSearch} where ${searchMatches(term)}))`;
}

/**
 * One page of an operation's results in selection order (an import's: in line order), each with the
 * user's name: an import row's as the file had it, any other user's as stored now.
 */
export async function loadResultPage(db: Db, query: ResultPageQuery) {
  const rows = await db
    .select({
      position: bulkOperationItems.position,
      userId: bulkOperationItems.userId,
      email: sql<string | null>`coalesce(${bulkOperationItems.email}, ${bulkOperationItems.input}->>'email')`,
      firstName: sql<string | null>`coalesce(${bulkOperationItems.input}->>'firstName', ${users.firstName})`,
      lastName: sql<string | null>`coalesce(${bulkOperationItems.input}->>'lastName', ${users.lastName})`,
      outcome: bulkOperationItems.outcome,
      reason: bulkOperationItems.reason,
      before: bulkOperationItems.before,
      after: bulkOperationItems.after,
    })
    .from(bulkOperationItems)
    .leftJoin(users, eq(users.id, bulkOperationItems.userId))
    .where(
      and(
        eq(bulkOperationItems.operationId, query.id),
        isNotNull(bulkOperationItems.outcome),
        query.outcome ? eq(bulkOperationItems.outcome, query.outcome) : undefined,
        query.reason ? eq(bulkOperationItems.reason, query.reason) : undefined,
        query.search ? searchCondition(query.search) : undefined,
        query.cursor !== undefined ? gt(bulkOperationItems.position, query.cursor) : undefined,
      ),
    )
    .orderBy(asc(bulkOperationItems.position))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.flatMap((row) =>
      row.outcome
        ? [
            {
              /** The user's place in the selection; for an import, the line of the file. */
              position: row.position,
              userId: row.userId ?? '',
              email: row.email ?? '',
              name: personName(row.firstName, row.lastName),
              outcome: row.outcome,
              reason: row.reason,
              sentence: row.reason ? reasonSentence(row.reason, resultDetail(row.after)) : null,
              before: row.before,
              after: row.after,
            },
          ]
        : [],
    ),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.position ?? null) : null,
  };
}

/** Per-user results of an operation, in selection order, filterable by outcome and reason. */
export async function listResults(db: Db, input: BulkResultsInput) {
  if (!(await operationExists(db, input.id))) throw new DomainError('operation_not_found');
  return loadResultPage(db, { ...input, search: input.search || undefined, limit: input.limit ?? 100 });
}
