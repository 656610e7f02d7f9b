import { z } from 'zod';
import { storable } from '../text';
import { IMPORT_LIMITS } from './limits';
import { type ImportRowInput, importRowInputSchema } from './rows';

/** Rows per `imports.preview` call: no request holds a whole file. */
export const IMPORT_CHUNK_ROWS = 5_000;

/**
 * The most a chunk's rows may take as JSON, in bytes: well under the server's request limit (8 MiB),
 * so a chunk of long names in a non-Latin script travels in smaller chunks instead of being refused.
 */
export const IMPORT_CHUNK_MAX_BYTES = 6 * 1024 * 1024;

/**
 * At most how many bytes a row takes as JSON: each UTF-16 unit of a cell is at most 6 bytes (`\u001f`),
 * and the keys, quotes and line number under 120, a parse error under 80 more. Counting exactly would
 * cost a pass over every character.
 */
export function importRowJsonBytesAtMost(row: ImportRowInput): number {
  const units =
    row.email.length +
    row.firstName.length +
    row.lastName.length +
    row.role.length +
    row.copyAccessFrom.length;
  return 6 * units + (row.parseError ? 200 : 120);
}

/** The role of imported rows that name none. */
export const IMPORT_DEFAULT_ROLE = 'Reader';

const invitationMessage = storable(
  z.string().trim().max(2000, 'An invitation message has at most 2,000 characters.'),
).optional();

const chunk = z
  .array(importRowInputSchema)
  .min(1, 'Send at least one row.')
  .max(IMPORT_CHUNK_ROWS, `Send at most ${IMPORT_CHUNK_ROWS.toLocaleString('en')} rows per request.`);

/** The file an import reads: recorded on its bulk operation from the first previewed chunk on. */
export const importFileSchema = z
  .object({
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'The file digest is 64 hexadecimal digits.'),
    fileName: storable(z.string().trim().max(255)).optional(),
    /** Data rows in the file: the import can be committed once this many rows have been previewed. */
    totalRows: z.number().int().min(1).max(IMPORT_LIMITS.maxRows),
  })
  .strict();
export type ImportFile = z.infer<typeof importFileSchema>;

/**
 * One chunk of the file to preview. The server keeps the chunk's rows for the import `operationId`
 * (chunks may arrive in any order and any number of times), so that the commit sends no rows again.
 */
export const importPreviewInputSchema = z
  .object({ operationId: z.uuid(), file: importFileSchema, rows: chunk })
  .strict();
export type ImportPreviewInput = z.infer<typeof importPreviewInputSchema>;

/** The choices the commit adds to a previewed file. */
const importChoicesSchema = z
  .object({
    /** Invite the created users at once (an invitation e-mail each). */
    invite: z.boolean(),
    message: invitationMessage,
  })
  .strict();

/** What an import does, as recorded on its bulk operation (`params`). */
export const importParamsSchema = importFileSchema
  .extend(importChoicesSchema.shape)
  .extend({ kind: z.literal('import') })
  .strict();
export type ImportParams = z.infer<typeof importParamsSchema>;

/**
 * The commit of a previewed import: every row of the file has been previewed under `operationId`;
 * the server decides each row again as it creates the users. Idempotent on `operationId`.
 */
export const importCommitInputSchema = importChoicesSchema
  .extend({
    operationId: z.uuid(),
    /** Required when rows would create users with the Administrator role. */
    confirmPrivileged: z.boolean().optional(),
  })
  .strict();
export type ImportCommitInput = z.infer<typeof importCommitInputSchema>;
