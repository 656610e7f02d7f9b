import { type Db, queryRows } from '@roster/db';
import {
  type BulkOperationKind,
  canMoveAdministratorRole,
  DomainError,
  NO_ROLE_CHANGES,
  privilegedConfirmationCount,
  type RoleChangeSummary,
  summarizeRoleChanges,
} from '@roster/domain';
import { type SQL, sql } from 'drizzle-orm';
import { loadPlanUsers } from './loadPlanUsers';
import { countActiveAdmins } from './planContext';
import type { BatchRule } from './processBatch';
import { uuidConstants } from './sqlLists';

/** Candidates are decided in chunks of this many users. */
const CHUNK = 5_000;

/**
 * Who, besides the users holding an administrator role now (who may lose it), the rule may give an
 * administrator role to: everyone selected (an administrator role assigned), the users a revert gives
 * back an administrator role (`revertOf`: the operation whose recorded roles come back), or nobody.
 */
export type AdministratorRoleGivers = { kind: 'everyone' } | { kind: 'revert'; revertOf: string } | null;

/**
 * What an operation just snapshotted (its batches, not yet committed) would do to the Administrator
 * role, decided by its own rule on the users' current rows, as the preview decides it. Only the users
 * who can cross the line are read: those holding an administrator role, and those `givers` names.
 */
export async function administratorRoleMovesOf(
  tx: Db,
  operationId: string,
  rule: BatchRule,
  givers: AdministratorRoleGivers,
  now: Date,
): Promise<Pick<RoleChangeSummary, 'becomeAdministrators' | 'loseAdministratorRole'>> {
  // The users holding an administrator role now: few, read first and sent as one constant list, so
  // that each snapshotted user is tested with a hashed lookup. As a join, PostgreSQL (estimating ten
  // users a batch) probed the users' primary key once per snapshotted user: 100,000 probes, 180–220 ms
  // of a 100,000-user Apply.
  const holders = await queryRows<{ id: string }>(
    tx,
    sql`select id::text as id from users where role_id in (select id from roles where is_admin)`,
  );
  // Each side is a small set (today's administrators; the results of the reverted operation whose
  // recorded role was an administrator one), tested per snapshotted user with a hashed lookup: a join
  // of the snapshot with the reverted operation's results spilled 100,000 rows to disk for minutes.
  let gives: SQL = sql``;
  if (givers?.kind === 'everyone') gives = sql`or true`;
  if (givers?.kind === 'revert') {
    gives = sql`or x.pos in (select s.position from bulk_operation_items s
      where s.operation_id = ${givers.revertOf}
        and s.before->>'roleId' in (select id::text from roles where is_admin))`;
  }
  const candidates = await queryRows<{ user_id: string; source_position: number | null }>(
    tx,
    sql`select x.id::text as user_id, x.pos as source_position
        from bulk_operation_batches b
        cross join lateral unnest(b.user_ids, b.source_positions) with ordinality as x(id, pos, n)
        where b.operation_id = ${operationId}
          and (x.id = any(${uuidConstants(holders.map((h) => h.id))}) ${gives})
        order by b.batch_no, x.n`,
  );
  if (candidates.length === 0) return NO_ROLE_CHANGES;
  let summary: RoleChangeSummary = NO_ROLE_CHANGES;
  let activeAdmins = await countActiveAdmins(tx);
  for (let i = 0; i < candidates.length; i += CHUNK) {
    const chunk = candidates.slice(i, i + CHUNK);
    const positions = chunk.flatMap((c) => (c.source_position === null ? [] : [c.source_position]));
    const batch = {
      userIds: chunk.map((c) => c.user_id),
      // A revert's batches keep the positions of the results it gives back.
      sourcePositions: positions.length === chunk.length ? positions : null,
    };
    const { withAccess, decide } = await rule.prepare(tx, batch);
    const plan = decide(await loadPlanUsers(tx, batch.userIds, withAccess), activeAdmins, now);
    activeAdmins = plan.activeAdminCount;
    summary = summarizeRoleChanges(plan.outcomes, summary);
  }
  return summary;
}

/**
 * Refuses (`confirmation_required`) an operation that would give or take the Administrator role
 * without `confirmPrivileged: true` (SPEC §2), the moves counted by the domain as in the preview.
 */
export async function refuseUnconfirmedAdministratorRoleMoves(
  tx: Db,
  operation: { id: string; kind: BulkOperationKind },
  rule: BatchRule,
  givers: AdministratorRoleGivers,
  now: Date,
  confirmPrivileged: boolean | undefined,
): Promise<void> {
  if (confirmPrivileged || !canMoveAdministratorRole(operation.kind)) return;
  const moves = await administratorRoleMovesOf(tx, operation.id, rule, givers, now);
  if (privilegedConfirmationCount(moves) > 0) throw new DomainError('confirmation_required');
}
