import { type Db, queryRows } from '@roster/db';
import { type BulkOperation, boundOperation, DomainError, type PlanContext } from '@roster/domain';
import { sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { loadPlanUsers } from './loadPlanUsers';

/**
 * Active users of an administrator role, summed on the maintained counts per (role, status) in one
 * statement (`user_counts`: a transaction sees its own changes there as on `users`). Counting them on
 * `users` read each administrator's row for its status: ~730 pages at 200,000 users, twice for
 * every preview and Apply and once per batch.
 */
const ACTIVE_ADMINS = sql`select coalesce(sum(c.n), 0)::int from user_counts c
  join roles r on r.id = c.role_id where r.is_admin and c.status = 'active'`;

/** The count alone (a batch's rule, the administrator check at Apply, SCIM writes). */
export async function countActiveAdmins(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select (${ACTIVE_ADMINS}) as n`);
  return row?.n ?? 0;
}

/**
 * The tenant facts one operation's rule needs, as its definition names them (a role, a source user);
 * unknown ones refuse the request.
 */
export async function loadPlanContext(
  db: Db,
  operation: BulkOperation,
  actorId: string,
  now: Date,
  config: ApiConfig,
): Promise<PlanContext> {
  const { roleId, sourceUserId } = boundOperation(operation).tenantFacts;
  // The count and the operation's role in one statement (a preview, an Apply and a run each ask).
  const [facts] = await queryRows<{ admins: number; role_id: string | null; is_admin: boolean | null }>(
    db,
    sql`select (${ACTIVE_ADMINS}) as admins, r.id::text as role_id, r.is_admin
      from (select 1) as one left join roles r on r.id = ${roleId ?? null}`,
  );
  const context: PlanContext = {
    actorId,
    now,
    activeAdminCount: facts?.admins ?? 0,
    invitationTtlMs: config.invitationTtlDays * 86_400_000,
  };
  if (roleId !== undefined) {
    if (!facts?.role_id) throw new DomainError('unknown_role');
    context.role = { id: facts.role_id, isAdmin: facts.is_admin === true };
  }
  if (sourceUserId !== undefined) {
    const [source] = await loadPlanUsers(db, [sourceUserId], true);
    if (!source) throw new DomainError('unknown_source_user');
    context.source = source;
  }
  return context;
}
