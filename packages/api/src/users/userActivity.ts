import { auditEvents, type Db, users } from '@roster/db';
import { DomainError, personName, USER_ACTIVITY_PAGE, type UserActivityInput } from '@roster/domain';
import { and, desc, eq, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';

const actors = alias(users, 'actor');

/**
 * One user's audit events, newest first, a page at a time (on the audit's (user_id, id) index), each
 * with its actor's name and its operation: what the drawer reads as sentences with the domain's
 * audit vocabulary. The action is returned as stored: rows of an older version may hold codes the
 * vocabulary no longer declares.
 */
export async function userActivity(db: Db, input: UserActivityInput) {
  const limit = input.limit ?? USER_ACTIVITY_PAGE;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, input.id));
  if (!user) throw new DomainError('user_not_found');
  const rows = await db
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      actorId: auditEvents.actorId,
      operationId: auditEvents.operationId,
      before: auditEvents.before,
      after: auditEvents.after,
      meta: auditEvents.meta,
      /** Who did it (null for an event without an actor). */
      actor: { firstName: actors.firstName, lastName: actors.lastName, email: actors.email },
    })
    .from(auditEvents)
    .leftJoin(actors, eq(actors.id, auditEvents.actorId))
    .where(
      and(
        eq(auditEvents.userId, input.id),
        input.cursor === undefined ? undefined : lt(auditEvents.id, input.cursor),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    items: page.map(({ actor, action, ...event }) => {
      const stored: string = action;
      const actorName = actor ? personName(actor.firstName, actor.lastName) || actor.email : null;
      return { ...event, action: stored, actorName };
    }),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
