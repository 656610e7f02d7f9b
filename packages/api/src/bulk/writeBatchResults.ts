import { type Db, sqlTime } from '@roster/db';
import type { AuditAction, PlanUser, UserOutcome } from '@roster/domain';
import { sql } from 'drizzle-orm';
import type { BatchCounts } from './batchEnvelope';
import { intList, optionalWordList, uuidList, wordList } from './sqlLists';

/** What a batch's results are written with: its users in order, and what was decided for each. */
export type BatchResults = {
  operationId: string;
  actorId: string;
  action: AuditAction;
  now: Date;
  /** The batch's users, in the batch's order: the results' positions follow it. */
  userIds: readonly string[];
  /** The position of the batch's first user in the operation's results. */
  firstPosition: number;
  /** A revert's (or its retry's) results take the positions of the operation it follows, one per user. */
  sourcePositions: readonly number[] | null;
  outcomes: ReadonlyMap<string, UserOutcome>;
  /** The batch's users as they were read (locked) before their changes, by id. */
  users: ReadonlyMap<string, Pick<PlanUser, 'email' | 'version'>>;
};

/**
 * The per-user results of a batch, in its order, and the audit events of its changes, written by one
 * statement. Each result carries the user's e-mail as it was read and, for a change, the version the
 * change gave the user (one more than read: every change moves it once); a user no longer there is
 * `failed` (`user_not_found`). The results travel as columns zipped by one `unnest`: outcomes,
 * reasons and versions as comma-separated lists, e-mails as one JSON array of strings, and each
 * distinct before and after once (a batch's changes mostly share them: one role given to 10,000 users,
 * taken from a few), each change naming its own by number. As one JSON object per user
 * (`json_to_recordset`), reading them took 85–135 ms of the statement for 10,000 changes; as columns,
 * 18–22 ms (psql, 2026-12-05).
 */
export async function writeBatchResults(db: Db, batch: BatchResults): Promise<BatchCounts> {
  const counts: BatchCounts = {
    processed: batch.userIds.length,
    changed: 0,
    skipped: 0,
    blocked: 0,
    failed: 0,
  };
  const outcomes: string[] = [];
  const reasons: (string | null)[] = [];
  const befores: (number | null)[] = [];
  const afters: (number | null)[] = [];
  const versions: (number | null)[] = [];
  const emails: (string | null)[] = [];
  /** Each distinct before or after, as JSON, and its number (from 1, as `with ordinality` counts). */
  const numbered = new Map<string, number>();
  const numberOf = (value: object) => {
    const json = JSON.stringify(value);
    let n = numbered.get(json);
    if (n === undefined) {
      n = numbered.size + 1;
      numbered.set(json, n);
    }
    return n;
  };
  for (const userId of batch.userIds) {
    const o = batch.outcomes.get(userId);
    const user = batch.users.get(userId);
    outcomes.push(o?.outcome ?? 'failed');
    emails.push(user?.email ?? null);
    if (o?.outcome === 'change') {
      counts.changed++;
      reasons.push(null);
      // The audit trail of a change: only the fields that changed (SPEC §1).
      befores.push(numberOf(o.before));
      afters.push(numberOf(o.after));
      versions.push(user ? user.version + 1 : null);
      continue;
    }
    if (!o) counts.failed++;
    else if (o.outcome === 'skip') counts.skipped++;
    else counts.blocked++;
    reasons.push(o ? o.reason : 'user_not_found');
    befores.push(null);
    afters.push(null);
    versions.push(null);
  }
  const values = `[${[...numbered.keys()].join(',')}]`;
  const positions = batch.sourcePositions;
  // One unnest zips the columns (a join of them on their numbers could be planned as a walk of the
  // users' primary key, as `batchUsers` in applyChanges says).
  await db.execute(sql`
    with x as materialized (
      select l.user_id, l.outcome::outcome as outcome, l.reason, l.b, l.a, l.version, l.email, l.n,
        coalesce(l.p, ${batch.firstPosition} + l.n::int - 1) as position
      from unnest(${uuidList(batch.userIds)}, ${wordList(outcomes)}, ${optionalWordList(reasons)},
        ${intList(befores)}, ${intList(afters)}, ${intList(versions)},
        array(select e from json_array_elements_text(${JSON.stringify(emails)}::json) with ordinality as t(e, i) order by i),
        ${positions ? intList(positions) : sql`null::int[]`})
        with ordinality as l(user_id, outcome, reason, b, a, version, email, p, n)),
    shared as materialized (
      select n, value::jsonb as j from json_array_elements(${values}::json) with ordinality as s(value, n)),
    results as materialized (
      select x.*, sb.j as before, sa.j as after
      from x left join shared sb on sb.n = x.b left join shared sa on sa.n = x.a),
    audit as (
      insert into audit_events (at, actor_id, user_id, operation_id, action, before, after)
      select ${sqlTime(batch.now)}, ${batch.actorId}, user_id, ${batch.operationId}, ${batch.action}, before, after
      from results where outcome = 'change' order by n)
    insert into bulk_operation_items (operation_id, position, user_id, email, outcome, reason, before, after, version, processed_at)
    select ${batch.operationId}, position, user_id, email, outcome, reason, before, after, version, ${sqlTime(batch.now)}
    from results`);
  return counts;
}
