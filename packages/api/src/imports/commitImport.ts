import { bulkOperations, type Db, queryRows, roles } from '@roster/db';
import {
  DomainError,
  decideImportRow,
  type ImportCommitInput,
  type ImportParams,
  importRoleKey,
  importRowCreatesAdministrator,
  importRowInputSchema,
  validateImportRows,
} from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { canonicalJson } from '../bulk/canonicalJson';
import { leaseOfQueued, type RecordedOperation } from '../bulk/recordedOperation';
import { batchSizeFor } from '../bulk/selection';
import { insertImportBatches } from '../bulk/selectionBatches';
import type { ApiConfig } from '../config';
import { loadImportLookups } from './importLookups';
import { lockImportOperation } from './lockImportOperation';

/**
 * `imports.commit`: the previewed import (every row of its file previewed under `operationId`) is
 * queued as a bulk operation with the admin's choices, and run inside the request when it is small.
 * The rows are not sent again: the run decides each one again as it creates the users. Idempotent:
 * a commit retried with the same choices returns the same operation and creates nothing twice.
 */
export async function recordImportCommit(
  db: Db,
  input: ImportCommitInput,
  actorId: string,
  now: Date,
  config: ApiConfig,
): Promise<RecordedOperation> {
  const params = await db.transaction(async (tx) => {
    const operation = await lockImportOperation(tx, input.operationId, actorId, 'update');
    if (!operation) throw new DomainError('import_not_previewed');
    const params: ImportParams = { ...operation.params, invite: input.invite, message: input.message };
    if (operation.status !== 'receiving') {
      if (canonicalJson(operation.params) === canonicalJson(params)) return null;
      throw new DomainError('operation_conflict');
    }
    const [staged] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from bulk_operation_items where operation_id = ${input.operationId}`,
    );
    const received = staged?.n ?? 0;
    if (received > params.totalRows) throw new DomainError('operation_conflict');
    if (received < params.totalRows) {
      throw new DomainError(
        'import_incomplete',
        `Only ${received.toLocaleString('en')} of the file's ${params.totalRows.toLocaleString('en')} rows have been previewed. Preview the whole file, then commit it.`,
      );
    }
    if (!input.confirmPrivileged && (await createsAdministrators(tx, input.operationId))) {
      throw new DomainError('confirmation_required');
    }
    await insertImportBatches(tx, input.operationId, config.bulkBatchSize ?? batchSizeFor('import'));
    await tx
      .update(bulkOperations)
      .set({ params, status: 'queued', leaseUntil: leaseOfQueued(params.totalRows, now, config) })
      .where(eq(bulkOperations.id, input.operationId));
    return params;
  });
  return { id: input.operationId, queued: params ? params.totalRows : null };
}

/**
 * Whether a row of the import would create a user with administrator rights, decided as the preview
 * decided it. A first look at the role names alone spares the rows of a file that names none.
 */
async function createsAdministrators(db: Db, operationId: string): Promise<boolean> {
  const admins = await db.select({ name: roles.name }).from(roles).where(eq(roles.isAdmin, true));
  const adminKeys = new Set(admins.map((r) => importRoleKey(r.name)));
  const named = await queryRows<{ role: string }>(
    db,
    sql`select distinct coalesce(input->>'role', '') as role from bulk_operation_items where operation_id = ${operationId}`,
  );
  const adminNames = named.map((r) => r.role).filter((role) => adminKeys.has(importRoleKey(role)));
  if (adminNames.length === 0) return false;
  const items = await queryRows<{ input: unknown }>(
    db,
    sql`select input from bulk_operation_items
      where operation_id = ${operationId} and coalesce(input->>'role', '') = any(${sql.param(adminNames)}::text[])`,
  );
  const rows = validateImportRows(items.map((i) => importRowInputSchema.parse(i.input)));
  const lookups = await loadImportLookups(db, rows);
  const facts = { ...lookups, isEmailOfThisImport: () => false };
  return rows.some((row) => importRowCreatesAdministrator(decideImportRow(row, facts), facts));
}
