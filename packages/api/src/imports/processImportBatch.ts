import { type Db, queryRows, sqlTime, sqlUuids } from '@roster/db';
import {
  createImportRowValidator,
  decideImportRow,
  IMPORT_RESULT_OUTCOMES,
  type ImportParams,
  type ImportRowResult,
  importRowInputSchema,
} from '@roster/domain';
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { createInvitations } from '../bulk/applyChanges';
import { type BatchResult, NOTHING_LEFT } from '../bulk/processBatch';
import type { ApiConfig } from '../config';
import { loadImportLookups } from './importLookups';

/** Rows per transaction of an import (each creates a user, an audit event and maybe an invitation). */
export const IMPORT_BATCH_SIZE = 5_000;

type Item = { position: number; input: unknown };

/**
 * One batch of an import, in one transaction: the next rows in file order, validated again by the
 * domain, checked against the database, then the users created set-based with their role, copied
 * access, invitations, audit events and per-row results. An e-mail created meanwhile by someone
 * else (`on conflict do nothing`) makes its row an `already_exists` skip, never a second user.
 */
export async function processImportBatch(
  db: Db,
  operation: { id: string; params: ImportParams },
  actor: { id: string; name: string },
  now: Date,
  config: ApiConfig,
  batchSize = IMPORT_BATCH_SIZE,
  after = 0,
): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    const items = await queryRows<Item>(
      tx,
      sql`select position, input from bulk_operation_items
          where operation_id = ${operation.id} and position > ${after} and outcome is null
          order by position limit ${batchSize} for update skip locked`,
    );
    if (items.length === 0) return NOTHING_LEFT;
    const validate = createImportRowValidator();
    const validated = items.map((item) => ({
      position: item.position,
      row: validate(importRowInputSchema.parse(item.input)),
    }));

    // The first line of each e-mail (the batch's rows and their source users) in the whole file: a
    // later line with it is a duplicate, and a source user on any line is created by this import.
    const emails = validated.flatMap((v) => [
      ...(v.row.outcome === 'create' ? [v.row.email] : []),
      ...(v.row.copyAccessFrom ? [v.row.copyAccessFrom] : []),
    ]);
    const firstLine = await firstLinesOf(tx, operation.id, emails);
    const lookups = await loadImportLookups(
      tx,
      validated.map((v) => v.row),
    );
    // A source user this same import created is `source_is_new`, as the preview said, whichever batch
    // created it first: batches run side by side, so what an earlier line created is never relied on.
    const createdHere = await createdByImport(
      tx,
      operation.id,
      validated.flatMap((v) => (v.row.copyAccessFrom ? [v.row.copyAccessFrom] : [])),
    );
    const facts = {
      ...lookups,
      sourceExists: (email: string) => lookups.sourceExists(email) && !createdHere.has(email),
      isEmailOfThisImport: (email: string) => firstLine.has(email),
    };
    const decided = validated.map(({ position, row }) => {
      const first = row.outcome === 'create' ? firstLine.get(row.email) : undefined;
      const verdict: ImportRowResult =
        first !== undefined && first < position
          ? { ...row, outcome: 'skip', reason: 'duplicate_in_file', detail: String(first) }
          : decideImportRow(row, facts);
      return { position, verdict };
    });

    const creations = decided.flatMap(({ position, verdict }) => {
      const role = verdict.outcome === 'create' ? lookups.role(verdict.role) : undefined;
      if (!role) return [];
      const sourceId = verdict.copyAccessFrom ? (lookups.sourceIdFor(verdict.copyAccessFrom) ?? null) : null;
      return [{ position, verdict, roleId: role.id, sourceId }];
    });
    const inserted = await insertUsers(tx, creations, operation.params.invite, now);
    const made = creations.flatMap((c) => {
      const userId = inserted.get(c.verdict.email);
      return userId ? [{ ...c, userId }] : [];
    });
    const userIdAt = new Map(made.map((m) => [m.position, m.userId]));
    await copyAccess(
      tx,
      made.flatMap((m) => (m.sourceId ? [{ userId: m.userId, sourceId: m.sourceId }] : [])),
    );
    if (operation.params.invite) {
      await createInvitations(
        tx,
        made.map((m) => ({
          userId: m.userId,
          email: m.verdict.email,
          message: operation.params.message,
          sentCount: 1,
        })),
        { operationId: operation.id, actor, now, config },
      );
    }
    if (made.length) {
      const after = made.map((m) =>
        JSON.stringify({
          email: m.verdict.email,
          firstName: m.verdict.firstName,
          lastName: m.verdict.lastName,
          roleId: m.roleId,
          status: operation.params.invite ? 'invited' : 'created',
          ...(m.sourceId ? { copiedAccessFrom: m.sourceId } : {}),
          line: m.verdict.line,
        }),
      );
      await tx.execute(sql`
        insert into audit_events (at, actor_id, user_id, operation_id, action, after)
        select ${sqlTime(now)}, ${actor.id}, x.user_id, ${operation.id}, 'user.import', x.a::jsonb
        from unnest(${sqlUuids(made.map((m) => m.userId))}, ${sql.param(after)}::text[]) as x(user_id, a)`);
    }
    // A row the file would create but whose e-mail was taken meanwhile is an `already_exists` skip.
    const verdicts = decided.map(({ position, verdict }) => {
      const userId = userIdAt.get(position) ?? null;
      const final: ImportRowResult =
        verdict.outcome === 'create' && userId === null
          ? { ...verdict, outcome: 'skip', reason: 'already_exists', detail: null }
          : verdict;
      return { ...final, position, userId };
    });
    await tx.execute(sql`
      update bulk_operation_items i set outcome = x.outcome::outcome, reason = x.reason, user_id = x.user_id,
        after = case when x.detail is null then null else jsonb_build_object('detail', x.detail) end,
        processed_at = ${sqlTime(now)}
      from unnest(${sql.param(verdicts.map((v) => v.position))}::int[], ${sql.param(verdicts.map((v) => IMPORT_RESULT_OUTCOMES[v.outcome]))}::text[],
        ${sql.param(verdicts.map((v) => v.reason))}::text[], ${sql.param(verdicts.map((v) => v.userId))}::uuid[],
        ${sql.param(verdicts.map((v) => v.detail))}::text[]) as x(position, outcome, reason, user_id, detail)
      where i.operation_id = ${operation.id} and i.position = x.position`);
    const result: BatchResult = {
      lastPosition: items.at(-1)?.position ?? after,
      processed: verdicts.length,
      changed: made.length,
      skipped: verdicts.filter((v) => v.outcome === 'skip').length,
      blocked: verdicts.filter((v) => v.outcome === 'error').length,
      failed: 0,
    };
    await tx.execute(sql`update bulk_operations set processed = processed + ${result.processed},
        changed = changed + ${result.changed}, skipped = skipped + ${result.skipped},
        blocked = blocked + ${result.blocked}, lease_until = ${sqlTime(new Date(now.getTime() + config.bulkLeaseMs))}
      where id = ${operation.id}`);
    return result;
  });
}

/** Those of these e-mails whose user this import has created. */
async function createdByImport(db: Db, operationId: string, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await queryRows<{ email: string }>(
    db,
    sql`select email from bulk_operation_items
      where operation_id = ${operationId} and outcome = 'change' and email = any(${sql.param([...new Set(emails)])}::text[])`,
  );
  return new Set(rows.map((r) => r.email));
}

/** The first line of the import on which each of these e-mails appears, for those that do. */
async function firstLinesOf(db: Db, operationId: string, emails: string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const rows = await queryRows<{ email: string; line: number }>(
    db,
    sql`select email, min(position) as line from bulk_operation_items
      where operation_id = ${operationId} and email = any(${sql.param([...new Set(emails)])}::text[])
      group by email`,
  );
  return new Map(rows.map((r) => [r.email, Number(r.line)]));
}

/** The users, set-based; returns the id of each e-mail actually inserted (not taken meanwhile). */
async function insertUsers(
  db: Db,
  rows: { verdict: ImportRowResult; roleId: string }[],
  invited: boolean,
  now: Date,
): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const inserted = await queryRows<{ id: string; email: string }>(
    db,
    sql`insert into users (id, email, first_name, last_name, status, role_id, created_at, updated_at)
      select x.id, x.email, x.first_name, x.last_name, ${invited ? 'invited' : 'created'}::user_status, x.role_id, ${sqlTime(now)}, ${sqlTime(now)}
      from unnest(${sqlUuids(rows.map(() => uuidv7()))}, ${sql.param(rows.map((r) => r.verdict.email))}::text[],
        ${sql.param(rows.map((r) => r.verdict.firstName))}::text[], ${sql.param(rows.map((r) => r.verdict.lastName))}::text[],
        ${sqlUuids(rows.map((r) => r.roleId))}) as x(id, email, first_name, last_name, role_id)
      on conflict (email) do nothing
      returning id, email`,
  );
  return new Map(inserted.map((r) => [r.email, r.id]));
}

/** The source users' module access, scope and rights, copied to the new users (memberships are not). */
async function copyAccess(db: Db, pairs: { userId: string; sourceId: string }[]): Promise<void> {
  if (pairs.length === 0) return;
  const x = sql`unnest(${sqlUuids(pairs.map((p) => p.userId))}, ${sqlUuids(pairs.map((p) => p.sourceId))}) as x(user_id, source_id)`;
  await db.execute(sql`insert into module_access (user_id, module, level)
    select x.user_id, m.module, m.level from ${x} join module_access m on m.user_id = x.source_id`);
  await db.execute(sql`insert into user_scopes (user_id, org_unit_id)
    select x.user_id, s.org_unit_id from ${x} join user_scopes s on s.user_id = x.source_id`);
  await db.execute(sql`insert into user_rights (user_id, "right")
    select x.user_id, r."right" from ${x} join user_rights r on r.user_id = x.source_id`);
}
