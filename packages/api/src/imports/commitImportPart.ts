import { bulkOperations, type Db, queryRows, roles } from '@roster/db';
import {
  DomainError,
  decideImportRow,
  type ImportCommitInput,
  type ImportParams,
  type ImportRowResult,
  importRoleKey,
  importRowCreatesAdministrator,
  importRowHasEmail,
  validateImportRows,
} from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { runInsideRequestWhenSmall } from '../bulk/runOperation';
import { canonicalJson, getOperation } from '../bulk/startBulkOperation';
import type { ApiConfig } from '../config';
import { loadImportLookups } from './importLookups';

/** Whether any row the file would create names a role with administrator rights (a cheap first look). */
async function namesAdministratorRole(db: Db, rows: readonly ImportRowResult[]): Promise<boolean> {
  const admins = await db.select({ name: roles.name }).from(roles).where(eq(roles.isAdmin, true));
  const keys = new Set(admins.map((r) => importRoleKey(r.name)));
  return rows.some((r) => r.outcome === 'create' && keys.has(importRoleKey(r.role)));
}

/**
 * `imports.commit`, one part: records the import as a bulk operation (`receiving`) on its first
 * part, stores the part's rows as the operation's items (once, whatever the retries), and when the
 * last row has arrived queues the operation, running it inside the request when it is small.
 * Idempotent on `operationId`: a part sent again, or a whole commit retried, creates nothing twice.
 */
export async function commitImportPart(
  db: Db,
  input: ImportCommitInput,
  actorId: string,
  now: Date,
  config: ApiConfig,
) {
  const params: ImportParams = { kind: 'import', ...input.import };
  // Every row of the part is validated as it arrives; the file's own rules are the domain's.
  const validated = validateImportRows(input.rows);
  if (!input.confirmPrivileged && (await namesAdministratorRole(db, validated))) {
    // The very verdict the preview gave: a row for an existing user creates nobody.
    const lookups = await loadImportLookups(db, validated);
    const facts = { ...lookups, isEmailOfThisImport: () => false };
    if (validated.some((r) => importRowCreatesAdministrator(decideImportRow(r, facts), facts))) {
      throw new DomainError('confirmation_required');
    }
  }
  const state = await db.transaction(async (tx) => {
    await tx
      .insert(bulkOperations)
      .values({
        id: input.operationId,
        kind: 'import',
        params,
        selection: { kind: 'import', rows: params.totalRows },
        actorId,
        status: 'receiving',
        total: params.totalRows,
        fileSha256: params.fileSha256,
        createdAt: now,
      })
      .onConflictDoNothing();
    const [operation] = await tx
      .select({
        kind: bulkOperations.kind,
        params: bulkOperations.params,
        actorId: bulkOperations.actorId,
        status: bulkOperations.status,
      })
      .from(bulkOperations)
      .where(eq(bulkOperations.id, input.operationId))
      .for('update');
    if (
      operation?.kind !== 'import' ||
      operation.actorId !== actorId ||
      canonicalJson(operation.params) !== canonicalJson(params)
    ) {
      throw new DomainError('operation_conflict');
    }
    if (operation.status !== 'receiving') return 'complete';
    // The position of a row is its line in the file: unique, in file order, and the same on a retry.
    // Only a row with a valid e-mail keeps one: only such a row makes a later one a duplicate.
    await tx.execute(sql`
      insert into bulk_operation_items (operation_id, position, email, input)
      select ${input.operationId}, x.line, x.email, x.input::jsonb
      from unnest(${sql.param(input.rows.map((r) => r.line))}::int[], ${sql.param(validated.map((r) => (importRowHasEmail(r) ? r.email : null)))}::text[],
        ${sql.param(input.rows.map((r) => JSON.stringify(r)))}::text[]) as x(line, email, input)
      on conflict do nothing`);
    const [received] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from bulk_operation_items where operation_id = ${input.operationId}`,
    );
    if ((received?.n ?? 0) > params.totalRows) throw new DomainError('operation_conflict');
    if ((received?.n ?? 0) < params.totalRows) return 'receiving';
    await tx.execute(sql`update bulk_operations set status = 'queued' where id = ${input.operationId}`);
    return 'queued';
  });
  if (state === 'queued')
    await runInsideRequestWhenSmall(db, config, now, input.operationId, params.totalRows);
  return getOperation(db, input.operationId);
}
