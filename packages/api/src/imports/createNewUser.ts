import { createHash } from 'node:crypto';
import type { Db } from '@roster/db';
import {
  DomainError,
  NEW_USER_FILE_NAME,
  type NewUserInput,
  newUserImportRow,
  newUserRefusal,
  validateImportRows,
} from '@roster/domain';
import { canonicalJson } from '../bulk/canonicalJson';
import type { ApiConfig } from '../config';
import { startOperation } from '../runner/startOperation';
import { recordImportCommit } from './commitImport';
import { lockImportOperation } from './lockImportOperation';
import { previewImport } from './previewImport';

/**
 * `users.create` ("New user"): one person, created as a one-row import. The row is previewed and
 * committed by the import's own procedures (`previewImport`, `recordImportCommit`), so the import's
 * rule decides it and the import's run creates it: an `import` operation with its audit and results.
 * A row the import would skip or refuse is refused here with the import's reason as the error code,
 * and nothing is written. Idempotent on `operationId`.
 */
export async function createNewUser(
  db: Db,
  config: ApiConfig,
  input: NewUserInput,
  actorId: string,
  now: Date,
) {
  const row = newUserImportRow(input);
  const [validated] = validateImportRows([row]);
  const fileSha256 = createHash('sha256').update(canonicalJson(row)).digest('hex');
  const commit = () =>
    startOperation(db, config, now, () =>
      recordImportCommit(
        db,
        {
          operationId: input.operationId,
          invite: input.invite,
          message: input.message,
          confirmPrivileged: input.confirmPrivileged,
        },
        actorId,
        now,
        config,
      ),
    );
  // A retry of a committed new user (its e-mail now taken by it) is answered by the commit's idempotency.
  const recorded = await lockImportOperation(db, input.operationId, actorId, 'share');
  if (recorded && recorded.status !== 'receiving') {
    if (recorded.params.fileSha256 !== fileSha256) throw new DomainError('operation_conflict');
    return commit();
  }
  // The preview and its verdict in one transaction: a refused row leaves nothing behind, and its
  // operation id stays free for the corrected form.
  await db.transaction(async (tx) => {
    const preview = await previewImport(
      tx,
      {
        operationId: input.operationId,
        file: { fileSha256, fileName: NEW_USER_FILE_NAME, totalRows: 1 },
        rows: [row],
      },
      actorId,
      now,
    );
    // The preview lists the rows that are not plain creations: a refused one, or an administrator's.
    const [verdict] = preview.rows;
    if (verdict && verdict.outcome !== 'create' && validated) {
      const refusal = newUserRefusal({ ...validated, ...verdict });
      if (refusal) throw refusal;
    }
    if (verdict?.privileged && !input.confirmPrivileged) throw new DomainError('confirmation_required');
  });
  return commit();
}
