import { z } from 'zod';
import { IMPORT_LIMITS } from './limits';
import { importRowInputSchema } from './rows';

/** Rows per `imports.preview` call and per `imports.commit` part: no request holds a whole file. */
export const IMPORT_CHUNK_ROWS = 5_000;

/** The role of imported rows that name none. */
export const IMPORT_DEFAULT_ROLE = 'Reader';

const invitationMessage = z
  .string()
  .trim()
  .max(2000, 'An invitation message has at most 2,000 characters.')
  .optional();

const chunk = z
  .array(importRowInputSchema)
  .min(1, 'Send at least one row.')
  .max(IMPORT_CHUNK_ROWS, `Send at most ${IMPORT_CHUNK_ROWS.toLocaleString('en')} rows per request.`);

export const importPreviewInputSchema = z.object({ rows: chunk }).strict();
export type ImportPreviewInput = z.infer<typeof importPreviewInputSchema>;

/** What an import does, as recorded on its bulk operation (`params`); the same in every part. */
export const importParamsSchema = z
  .object({
    kind: z.literal('import'),
    /** Invite the created users at once (an invitation e-mail each). */
    invite: z.boolean(),
    message: invitationMessage,
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'The file digest is 64 hexadecimal digits.'),
    fileName: z.string().trim().max(255).optional(),
    /** Data rows in the file: the operation starts once this many rows have arrived. */
    totalRows: z.number().int().min(1).max(IMPORT_LIMITS.maxRows),
  })
  .strict();
export type ImportParams = z.infer<typeof importParamsSchema>;

/**
 * One part of a commit: the import's parameters, and the next rows of the file. Parts may arrive in
 * any order and any number of times; the operation runs once every row has arrived.
 */
export const importCommitInputSchema = z
  .object({
    operationId: z.uuid(),
    import: importParamsSchema.omit({ kind: true }),
    /** Required when rows would create users with the Administrator role. */
    confirmPrivileged: z.boolean().optional(),
    rows: chunk,
  })
  .strict();
export type ImportCommitInput = z.infer<typeof importCommitInputSchema>;
