import { type Db, idGenerator, insertNewRowsFirst, queryRows, sqlJsonRecords, sqlTime } from '@roster/db';
import {
  type AuditAction,
  createImportRowValidator,
  decideImportRow,
  IMPORT_RESULT_OUTCOMES,
  type ImportParams,
  type ImportRowResult,
  importRowInputSchema,
  normalizeEmail,
} from '@roster/domain';
import { type SQL, sql } from 'drizzle-orm';
import { createInvitations } from '../bulk/applyChanges';
import {
  type BatchCounts,
  type BatchResult,
  type BatchRun,
  cancelRequestedColumn,
  inBatchTransaction,
  type TakenBatch,
} from '../bulk/batchEnvelope';
import type { ApiConfig } from '../config';
import { loadImportLookups } from './importLookups';

type Item = { position: number; input: unknown };

/** The audit action of a user an import creates. */
const IMPORT_AUDIT_ACTION: AuditAction = 'user.import';

/**
 * What every batch of an import needs to know about the whole file, read once per run: the rows no
 * longer change once the import is committed, so any process that runs it reads the same.
 */
export type ImportFileFacts = {
  /** The first line of each e-mail the file holds more than once: a later line with it is a duplicate. */
  firstLineOfRepeated: ReadonlyMap<string, number>;
  /** The source users (`copy_access_from`) that are e-mails of the file itself. */
  sourcesInFile: ReadonlySet<string>;
};

/** Reads the facts of the whole file of a committed import (two or three queries over its rows). */
export async function loadImportFileFacts(db: Db, operationId: string): Promise<ImportFileFacts> {
  const repeated = await queryRows<{ email: string; line: number }>(
    db,
    sql`select email, min(position)::int as line from bulk_operation_items
      where operation_id = ${operationId} and email is not null group by email having count(*) > 1`,
  );
  const cells = await queryRows<{ source: string }>(
    db,
    sql`select distinct input->>'copyAccessFrom' as source from bulk_operation_items
      where operation_id = ${operationId} and coalesce(input->>'copyAccessFrom', '') <> ''`,
  );
  const sources = [...new Set(cells.map((c) => normalizeEmail(c.source)))];
  const inFile = sources.length
    ? await queryRows<{ email: string }>(
        db,
        sql`select distinct email from bulk_operation_items
          where operation_id = ${operationId} and email = any(${sql.param(sources)}::text[])`,
      )
    : [];
  return {
    firstLineOfRepeated: new Map(repeated.map((r) => [r.email, r.line])),
    sourcesInFile: new Set(inFile.map((r) => r.email)),
  };
}

/**
 * One batch of an import (or its first `limit` rows), in one transaction: a range of rows no other
 * batch holds (its batch row is the claim, deleted with the results, or moved past the rows taken),
 * validated again by the domain, checked against the database, then the users created set-based with
 * their role, copied access, invitations, audit events and per-row results. An e-mail created
 * meanwhile by someone else makes its row an `already_exists` skip, never a second user.
 */
export async function processImportBatch(
  db: Db,
  operation: { id: string; params: ImportParams; file: ImportFileFacts },
  actor: { id: string; name: string },
  now: Date,
  config: ApiConfig,
  { limit, whenTallied }: BatchRun = {},
): Promise<BatchResult> {
  return inBatchTransaction(
    db,
    { id: operation.id, now, leaseMs: config.bulkLeaseMs, whenTallied },
    async (tx) => {
      // SKIP LOCKED: batches in flight at once each take their own; the batch row is the claim.
      const [batch] = await queryRows<
        TakenBatch & { batch_no: number; first_position: number; last_position: number | null }
      >(
        tx,
        sql`select batch_no, first_position, last_position, ${cancelRequestedColumn(operation.id)}
        from bulk_operation_batches
        where operation_id = ${operation.id} order by batch_no limit 1 for update skip locked`,
      );
      return batch;
    },
    async (tx, batch) => {
      const lastPosition = batch.last_position ?? batch.first_position;
      const items = await queryRows<Item>(
        tx,
        sql`select position, input from bulk_operation_items
        where operation_id = ${operation.id}
          and position between ${batch.first_position} and ${lastPosition}
        order by position ${limit === undefined ? sql`` : sql`limit ${limit}`}`,
      );
      // The rest of the file's first lines: a row repeating an e-mail of an earlier batch is its duplicate.
      const validate = createImportRowValidator(operation.file.firstLineOfRepeated);
      const validated = items.map((item) => ({
        position: item.position,
        row: validate(importRowInputSchema.parse(item.input)),
      }));

      const lookups = await loadImportLookups(
        tx,
        validated.map((v) => v.row),
      );
      // A source user this same import created is `source_is_new`, as the preview said, whichever batch
      // created it first: batches run side by side, so what an earlier line created is never relied on.
      const createdHere = await createdByImport(
        tx,
        operation.id,
        validated.flatMap((v) =>
          operation.file.sourcesInFile.has(v.row.copyAccessFrom) ? [v.row.copyAccessFrom] : [],
        ),
      );
      const facts = {
        ...lookups,
        sourceExists: (email: string) => lookups.sourceExists(email) && !createdHere.has(email),
        isEmailOfThisImport: (email: string) => operation.file.sourcesInFile.has(email),
      };
      const decided = validated.map(({ position, row }) => ({
        position,
        verdict: decideImportRow(row, facts),
      }));

      const creations = decided.flatMap(({ verdict }) => {
        const role = verdict.outcome === 'create' ? lookups.role(verdict.role) : undefined;
        if (!role) return [];
        const sourceId = verdict.copyAccessFrom
          ? (lookups.sourceIdFor(verdict.copyAccessFrom) ?? null)
          : null;
        return [{ verdict, roleId: role.id, sourceId }];
      });
      // The users, their audit events and the results of their rows.
      const inserted = await insertUsers(tx, creations, {
        invited: operation.params.invite,
        now,
        actorId: actor.id,
        operationId: operation.id,
      });
      const made = creations.flatMap((c) => {
        const userId = inserted.get(c.verdict.email);
        return userId ? [{ userId, email: c.verdict.email, sourceId: c.sourceId }] : [];
      });
      await copyAccess(
        tx,
        made.flatMap((m) => (m.sourceId ? [{ userId: m.userId, sourceId: m.sourceId }] : [])),
      );
      if (operation.params.invite) {
        await createInvitations(
          tx,
          made.map((m) => ({
            userId: m.userId,
            email: m.email,
            message: operation.params.message,
            sentCount: 1,
          })),
          { operationId: operation.id, actor, now, config },
        );
      }
      // The rows that created a user have their result already; the others are recorded here. A row
      // the file would create but whose e-mail was taken meanwhile is decided again, now that it exists.
      const taken = { ...facts, emailExists: () => true };
      const results = decided.flatMap(({ position, verdict }) => {
        if (verdict.outcome === 'create' && inserted.has(verdict.email)) return [];
        const final = verdict.outcome === 'create' ? decideImportRow(verdict, taken) : verdict;
        return [
          {
            position,
            outcome: IMPORT_RESULT_OUTCOMES[final.outcome],
            reason: final.reason,
            detail: final.detail,
          },
        ];
      });
      if (results.length > 0) {
        await tx.execute(sql`
        update bulk_operation_items i set outcome = x.outcome::outcome, reason = x.reason,
          after = case when x.detail is null then null else jsonb_build_object('detail', x.detail) end,
          processed_at = ${sqlTime(now)}
        from ${sqlJsonRecords(results)} as x(position int, outcome text, reason text, detail text)
        where i.operation_id = ${operation.id} and i.position = x.position`);
      }
      // The rows taken leave the batch: the whole batch once its last row is taken.
      const lastTaken = items.at(-1)?.position ?? lastPosition;
      await tx.execute(
        lastTaken >= lastPosition
          ? sql`delete from bulk_operation_batches where operation_id = ${operation.id} and batch_no = ${batch.batch_no}`
          : sql`update bulk_operation_batches set first_position = ${lastTaken + 1}::int
            where operation_id = ${operation.id} and batch_no = ${batch.batch_no}`,
      );
      const result: BatchCounts = {
        processed: decided.length,
        changed: made.length,
        skipped: results.filter((r) => r.outcome === IMPORT_RESULT_OUTCOMES.skip).length,
        blocked: results.filter((r) => r.outcome === IMPORT_RESULT_OUTCOMES.error).length,
        failed: 0,
      };
      return result;
    },
  );
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

/**
 * The users, their audit events and the results of their rows (`change`, with the user), set-based,
 * in one statement; returns the id of each e-mail actually inserted. The e-mails were free a moment
 * ago, so a plain insert is tried first (`insertNewRowsFirst`); when one was taken meanwhile, the
 * batch inserts again skipping the e-mails now taken.
 */
async function insertUsers(
  db: Db,
  rows: { verdict: ImportRowResult; roleId: string; sourceId: string | null }[],
  at: { invited: boolean; now: Date; actorId: string; operationId: string },
): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const newId = idGenerator(rows.length);
  const records = rows.map((r) => ({
    id: newId(),
    email: r.verdict.email,
    first_name: r.verdict.firstName,
    last_name: r.verdict.lastName,
    role_id: r.roleId,
    source_id: r.sourceId,
    line: r.verdict.line,
  }));
  const now = sqlTime(at.now);
  // The audit event of each user inserted: its values as stored, the source it copies and its line.
  const insert = (executor: Db, onConflict: SQL, returning: SQL) =>
    queryRows<{ id: string; email: string }>(
      executor,
      sql`with x as (
          select * from ${sqlJsonRecords(records)}
            as x(id uuid, email text, first_name text, last_name text, role_id uuid, source_id uuid, line int)),
        inserted as (
          insert into users (id, email, first_name, last_name, status, role_id, created_at, updated_at)
          select x.id, x.email, x.first_name, x.last_name, ${at.invited ? 'invited' : 'created'}::user_status, x.role_id, ${now}, ${now}
          from x ${onConflict}
          returning id, email, first_name, last_name, role_id, status),
        audited as (
          insert into audit_events (at, actor_id, user_id, operation_id, action, after)
          select ${now}, ${at.actorId}, i.id, ${at.operationId}, ${IMPORT_AUDIT_ACTION},
            jsonb_strip_nulls(jsonb_build_object('email', i.email, 'firstName', i.first_name,
              'lastName', i.last_name, 'roleId', i.role_id, 'status', i.status,
              'copiedAccessFrom', x.source_id, 'line', x.line))
          from inserted i join x on x.id = i.id),
        -- An import's result rows are at the rows' lines.
        recorded as (
          update bulk_operation_items r set outcome = ${IMPORT_RESULT_OUTCOMES.create}::outcome, user_id = i.id, processed_at = ${now}
          from inserted i join x on x.id = i.id
          where r.operation_id = ${at.operationId} and r.position = x.line)
        select id, email from inserted ${returning}`,
    );
  // A plain insert that succeeds has inserted every row, with the ids given here: nothing needs to
  // come back. Skipping the e-mails taken meanwhile, the rows inserted say which they were.
  const inserted = await insertNewRowsFirst(db, (executor, skipConflicts) =>
    skipConflicts
      ? insert(executor, sql`on conflict (email) do nothing`, sql``)
      : insert(executor, sql``, sql`where false`).then(() => records),
  );
  return new Map(inserted.map((r) => [r.email, r.id]));
}

/** The source users' module access, scope and rights, copied to the new users (memberships are not). */
async function copyAccess(db: Db, pairs: { userId: string; sourceId: string }[]): Promise<void> {
  if (pairs.length === 0) return;
  const x = sql`${sqlJsonRecords(pairs.map((p) => ({ user_id: p.userId, source_id: p.sourceId })))} as x(user_id uuid, source_id uuid)`;
  await db.execute(sql`insert into module_access (user_id, module, level)
    select x.user_id, m.module, m.level from ${x} join module_access m on m.user_id = x.source_id`);
  await db.execute(sql`insert into user_scopes (user_id, org_unit_id)
    select x.user_id, s.org_unit_id from ${x} join user_scopes s on s.user_id = x.source_id`);
  await db.execute(sql`insert into user_rights (user_id, "right")
    select x.user_id, r."right" from ${x} join user_rights r on r.user_id = x.source_id`);
}
