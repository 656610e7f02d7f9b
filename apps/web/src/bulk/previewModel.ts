import type { RouterOutputs } from '@roster/api';
import {
  type BulkOperation,
  type PlanContext,
  type PlanUser,
  planBulkOperation,
  type RoleChangeSummary,
  summarizeOutcomes,
  summarizeRoleChanges,
} from '@roster/domain';

export const PREVIEW_OUTCOMES = ['change', 'skip', 'blocked'] as const;
export type PreviewOutcome = (typeof PREVIEW_OUTCOMES)[number];

/** One user behind a group; `before`/`after` (the fields that change) only for `change`. */
export type PreviewUser = { userId: string; email: string; before?: unknown; after?: unknown };

/** The users sharing one outcome and reason (`change`, `skip:<reason>`, `blocked:<reason>`). */
export type PreviewGroup = {
  key: string;
  outcome: PreviewOutcome;
  reason: string | null;
  count: number;
  /** Every user of the group (browser preview) or a sample of them (server preview). */
  users: PreviewUser[];
};

/**
 * What the operation would do. Its role summary (`becomeAdministrators`, `loseAdministratorRole`,
 * `roleChanges`) says who gains or loses the Administrator role: the number the admin types.
 */
export type Preview = RoleChangeSummary & {
  total: number;
  counts: Record<PreviewOutcome, number>;
  groups: PreviewGroup[];
  /** Where it was decided: every loaded user in the browser, or the server with samples per group. */
  decidedBy: 'browser' | 'server';
};

const groupKey = (outcome: PreviewOutcome, reason: string | null) =>
  reason === null ? outcome : `${outcome}:${reason}`;

/** Changes first, then skips, then blocks; the largest group of each first. */
function ordered(groups: Iterable<PreviewGroup>): PreviewGroup[] {
  return [...groups].sort(
    (a, b) => PREVIEW_OUTCOMES.indexOf(a.outcome) - PREVIEW_OUTCOMES.indexOf(b.outcome) || b.count - a.count,
  );
}

/**
 * The instant preview of loaded users: the domain rule itself, run in the browser. Linear in the
 * number of users (10,000 take a few milliseconds); the server decides again at apply time.
 */
export function previewInBrowser(
  operation: BulkOperation,
  users: readonly PlanUser[],
  context: PlanContext,
): Preview {
  const { outcomes } = planBulkOperation(operation, users, context);
  const groups = new Map<string, PreviewGroup>();
  for (const [i, o] of outcomes.entries()) {
    const reason = o.outcome === 'change' ? null : o.reason;
    const key = groupKey(o.outcome, reason);
    let group = groups.get(key);
    if (!group) {
      group = { key, outcome: o.outcome, reason, count: 0, users: [] };
      groups.set(key, group);
    }
    group.count += 1;
    // The rule decides users in order, one outcome each: the i-th outcome is the i-th user's.
    const user = users[i];
    const email = user?.id === o.userId ? user.email : '';
    group.users.push(
      o.outcome === 'change'
        ? { userId: o.userId, email, before: o.before, after: o.after }
        : { userId: o.userId, email },
    );
  }
  const { total, counts } = summarizeOutcomes(outcomes);
  return {
    total,
    counts,
    groups: ordered(groups.values()),
    ...summarizeRoleChanges(outcomes),
    decidedBy: 'browser',
  };
}

type ServerPreview = RouterOutputs['bulk']['preview'];

/** `bulk.preview`'s answer (counts per reason, samples per group) in the same shape. */
export function previewFromServer(result: ServerPreview): Preview {
  const groups: PreviewGroup[] = [];
  for (const [key, samples] of Object.entries(result.samples)) {
    const [name, reason = null] = key.split(':');
    const outcome = PREVIEW_OUTCOMES.find((o) => o === name);
    if (!outcome) continue;
    groups.push({
      key,
      outcome,
      reason,
      count: reason === null ? result.counts.change : (result.reasons[reason] ?? samples.length),
      users: samples.map((s) =>
        s.outcome === 'change'
          ? { userId: s.userId, email: s.email, before: s.before, after: s.after }
          : { userId: s.userId, email: s.email },
      ),
    });
  }
  return {
    total: result.total,
    counts: result.counts,
    groups: ordered(groups),
    becomeAdministrators: result.becomeAdministrators,
    loseAdministratorRole: result.loseAdministratorRole,
    roleChanges: result.roleChanges,
    decidedBy: 'server',
  };
}
