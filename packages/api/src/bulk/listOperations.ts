import { bulkOperations, type Db, queryRows, sessions } from '@roster/db';
import {
  type BulkListInput,
  DomainError,
  LISTED_OPERATION_STATUSES,
  PRESENCE_WRITE_INTERVAL_MS,
  supportedInstantSchema,
  TOLD_WHEN_FINISHED_KINDS,
} from '@roster/domain';
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { selectOperations, toOperationView } from './operationView';

/**
 * The Operations history, newest first, a page at a time (keyset on created time and id), narrowed
 * by kind, the administrator who started them, status and a creation window.
 */
export async function listOperations(db: Db, input: BulkListInput) {
  const limit = input?.limit ?? 50;
  const [at, id] = input?.cursor?.split('|') ?? [];
  if (input?.cursor && (!supportedInstantSchema.safeParse(at).success || !z.uuid().safeParse(id).success)) {
    throw new DomainError('invalid_cursor');
  }
  const rows = await selectOperations(db)
    .where(
      and(
        // A previewed import is an operation once committed.
        input?.status
          ? eq(bulkOperations.status, input.status)
          : inArray(bulkOperations.status, [...LISTED_OPERATION_STATUSES]),
        input?.kind ? eq(bulkOperations.kind, input.kind) : undefined,
        input?.actor ? eq(bulkOperations.actorId, input.actor) : undefined,
        input?.createdFrom ? gte(bulkOperations.createdAt, new Date(input.createdFrom)) : undefined,
        input?.createdTo ? lt(bulkOperations.createdAt, new Date(input.createdTo)) : undefined,
        at && id
          ? sql`(${bulkOperations.createdAt}, ${bulkOperations.id}) < (${at}::timestamptz, ${id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(bulkOperations.createdAt), desc(bulkOperations.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toOperationView),
    nextCursor: rows.length > limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null,
  };
}

/**
 * Who started operations (for the history's filter), by name: the distinct starters walked on the
 * (actor, finished) index one key at a time (0.4 ms at 200,000 operations where `distinct` read them
 * all, 79 ms), never a look at every user.
 */
export async function listOperationActors(db: Db) {
  const rows = await queryRows<{ id: string; email: string; first_name: string; last_name: string }>(
    db,
    sql`with recursive starters as (
          (select actor_id from bulk_operations order by actor_id limit 1)
          union all
          select (select b.actor_id from bulk_operations b where b.actor_id > s.actor_id order by b.actor_id limit 1)
          from starters s where s.actor_id is not null)
        select u.id, u.email, u.first_name, u.last_name
        from starters s join users u on u.id = s.actor_id
        order by u.first_name, u.last_name, u.email`,
  );
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: `${r.first_name} ${r.last_name}`.trim() || r.email,
  }));
}

/**
 * The caller's operations that finished after `since` and by `now` (the answer's `until`, the next
 * call's `since`), oldest first; and, for a session, that its administrator is in the app.
 */
export async function finishedSince(
  db: Db,
  caller: { userId: string; sessionId: string | null },
  since: string | undefined,
  now: Date,
) {
  if (caller.sessionId) {
    await db
      .update(sessions)
      .set({ lastSeenAt: now })
      .where(
        and(
          eq(sessions.id, caller.sessionId),
          or(
            isNull(sessions.lastSeenAt),
            lt(sessions.lastSeenAt, new Date(now.getTime() - PRESENCE_WRITE_INTERVAL_MS)),
          ),
        ),
      );
  }
  const until = now.toISOString();
  if (!since) return { items: [], until };
  const rows = await selectOperations(db)
    .where(
      and(
        eq(bulkOperations.actorId, caller.userId),
        inArray(bulkOperations.kind, [...TOLD_WHEN_FINISHED_KINDS]),
        gt(bulkOperations.finishedAt, new Date(since)),
        lte(bulkOperations.finishedAt, now),
      ),
    )
    .orderBy(asc(bulkOperations.finishedAt))
    .limit(20);
  return { items: rows.map(toOperationView), until };
}
