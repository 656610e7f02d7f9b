import type { Db } from '@roster/db';
import {
  type BulkOperation,
  planBulkOperation,
  type Selection,
  summarizeOutcomes,
  type UserOutcome,
} from '@roster/domain';
import type { ApiConfig } from '../config';
import { loadPlanUsers } from './loadPlanUsers';
import { loadPlanContext } from './planContext';
import { checkedSelectionBatches } from './selection';

/** Users shown per outcome group (`change`, `skip:<reason>`, `blocked:<reason>`). */
export const PREVIEW_SAMPLES_PER_GROUP = 5;

export type PreviewSample = { userId: string; email: string } & (
  | { outcome: 'change'; before: unknown; after: unknown }
  | { outcome: 'skip' | 'blocked'; reason: string }
);

const groupOf = (o: UserOutcome) => (o.outcome === 'change' ? 'change' : `${o.outcome}:${o.reason}`);

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
  const counts = { change: 0, skip: 0, blocked: 0 };
  const reasons: Record<string, number> = {};
  const samples: Record<string, PreviewSample[]> = {};
  let becomeAdministrators = 0;
  for await (const ids of selection.batches()) {
    const batch = await loadPlanUsers(db, ids, input.operation.kind === 'copy_access');
    const plan = planBulkOperation(input.operation, batch, context);
    context.activeAdminCount = plan.activeAdminCount;
    const summary = summarizeOutcomes(plan.outcomes);
    counts.change += summary.counts.change;
    counts.skip += summary.counts.skip;
    counts.blocked += summary.counts.blocked;
    for (const [reason, n] of Object.entries(summary.reasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
    const emails = new Map(batch.map((u) => [u.id, u.email]));
    for (const outcome of plan.outcomes) {
      if (outcome.outcome === 'change' && context.role?.isAdmin) becomeAdministrators += 1;
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
  return { total: selection.total, counts, reasons, samples, becomeAdministrators };
}
