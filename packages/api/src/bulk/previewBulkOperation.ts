import { type Db, queryRows } from '@roster/db';
import {
  type BulkOperation,
  NO_ROLE_CHANGES,
  type PreviewSample,
  type RoleChangeSummary,
  type Selection,
  summarizeOutcomes,
  summarizeRoleChanges,
  type UserOutcome,
} from '@roster/domain';
import { sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { adminRoleIds } from './adminRoleIds';
import { operationRule, revertRule } from './batchRules';
import { loadPlanUsers } from './loadPlanUsers';
import { countActiveAdmins, loadPlanContext } from './planContext';
import type { BatchRule } from './processBatch';
import { batchSizeFor, checkedSelectionBatches } from './selection';
import { finishedSourceOperation } from './startFollowUpOperation';

/** Users shown per outcome group (`change`, `skip:<reason>`, `blocked:<reason>`). */
export const PREVIEW_SAMPLES_PER_GROUP = 5;

type PreviewBatch = { userIds: string[]; sourcePositions: number[] | null };

const groupOf = (o: UserOutcome) => (o.outcome === 'change' ? 'change' : `${o.outcome}:${o.reason}`);

/**
 * What a rule would do to each batch's users, on their current state: counts per outcome and
 * reason, a few users per group, the users who would gain or lose the Administrator role and the
 * role changes by from → to. Reads only.
 */
async function previewBatches(
  db: Db,
  batches: AsyncIterable<PreviewBatch>,
  rule: BatchRule,
  start: { activeAdminCount: number; now: Date },
) {
  let admins = start.activeAdminCount;
  let total = 0;
  const counts = { change: 0, skip: 0, blocked: 0 };
  const reasons: Record<string, number> = {};
  const samples: Record<string, PreviewSample[]> = {};
  let roles: RoleChangeSummary = NO_ROLE_CHANGES;
  for await (const batch of batches) {
    const { withAccess, decide } = await rule.prepare(db, batch);
    const users = await loadPlanUsers(db, batch.userIds, withAccess);
    const plan = decide(users, admins, start.now);
    admins = plan.activeAdminCount;
    total += batch.userIds.length;
    const summary = summarizeOutcomes(plan.outcomes);
    counts.change += summary.counts.change;
    counts.skip += summary.counts.skip;
    counts.blocked += summary.counts.blocked;
    for (const [reason, n] of Object.entries(summary.reasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
    roles = summarizeRoleChanges(plan.outcomes, roles);
    const emails = new Map(users.map((u) => [u.id, u.email]));
    for (const outcome of plan.outcomes) {
      const key = groupOf(outcome);
      const group = samples[key] ?? [];
      samples[key] = group;
      if (group.length >= PREVIEW_SAMPLES_PER_GROUP) continue;
      const email = emails.get(outcome.userId) ?? '';
      group.push(
        outcome.outcome === 'change'
          ? { userId: outcome.userId, email, outcome: 'change', before: outcome.before, after: outcome.after }
          : { userId: outcome.userId, email, outcome: outcome.outcome, reason: outcome.reason },
      );
    }
  }
  // Who gains or loses the Administrator role (the number Apply asks to type), and every from → to.
  return { total, counts, reasons, samples, ...roles };
}

/**
 * What an operation would do to every selected user, decided by the same rule the apply runs, on
 * the users' current state. Reads only; nothing is written or locked.
 */
export async function previewBulkOperation(
  db: Db,
  input: { operation: BulkOperation; selection: Selection },
  actorId: string,
  now: Date,
  config: ApiConfig,
) {
  const context = await loadPlanContext(db, input.operation, actorId, now, config);
  const selection = await checkedSelectionBatches(db, input.selection, now);
  const batches = async function* () {
    for await (const userIds of selection.batches()) yield { userIds, sourcePositions: null };
  };
  const preview = await previewBatches(db, batches(), operationRule(input.operation, context), {
    activeAdminCount: context.activeAdminCount,
    now,
  });
  return { ...preview, total: selection.total };
}

/**
 * What reverting a finished operation would do to each user it changed (`bulk.previewRevert`): the
 * revert's own rule on the users' current state, batch by batch through its results. Reads only.
 */
export async function previewRevert(db: Db, id: string, actorId: string, now: Date, config: ApiConfig) {
  await finishedSourceOperation(db, id, 'revert', now);
  const size = batchSizeFor('revert');
  const batches = async function* () {
    let after = 0;
    for (;;) {
      const rows = await queryRows<{ user_id: string; position: number }>(
        db,
        sql`select user_id::text as user_id, position from bulk_operation_items
            where operation_id = ${id} and outcome = 'change' and position > ${after}
            order by position limit ${size}`,
      );
      const last = rows.at(-1);
      if (!last) return;
      yield { userIds: rows.map((r) => r.user_id), sourcePositions: rows.map((r) => r.position) };
      after = last.position;
    }
  };
  const rule = revertRule(id, {
    actorId,
    invitationTtlMs: config.invitationTtlDays * 86_400_000,
    adminRoleIds: await adminRoleIds(db),
  });
  return previewBatches(db, batches(), rule, { activeAdminCount: await countActiveAdmins(db), now });
}
