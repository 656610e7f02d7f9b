import { z } from 'zod';
import { DomainError, type DomainErrorCode } from '../errors';
import { storable } from '../text';
import type { ImportColumn } from './columns';
import { type ImportReason, importReasonSentence } from './reasons';
import { IMPORT_ROW_FIELDS, type ImportRowField, type ImportRowInput, importRowInputSchema } from './rows';
import type { ImportRowResult } from './validateImportRows';

/**
 * "New user" (Users page, `users.create`): one person added without a CSV. It is a one-row import:
 * the row is decided by the import's rule and created by the import's run, so it is recorded the same
 * way (an `import` operation, its audit, its results) and is as (ir)revertible as an import.
 */
export const newUserInputSchema = z
  .object({
    /** The import operation the user is created by; idempotent: a retry creates nobody twice. */
    operationId: z.uuid(),
    email: importRowInputSchema.shape.email,
    firstName: importRowInputSchema.shape.firstName.optional(),
    lastName: importRowInputSchema.shape.lastName.optional(),
    /** A role's name, as an import row names it; empty or absent: the import's default role. */
    role: importRowInputSchema.shape.role.optional(),
    /** The e-mail of the user whose module access, scope and rights are copied. */
    copyAccessFrom: importRowInputSchema.shape.copyAccessFrom.optional(),
    /** Invite the user at once (an invitation e-mail). */
    invite: z.boolean(),
    message: storable(
      z.string().trim().max(2000, 'An invitation message has at most 2,000 characters.'),
    ).optional(),
    /** Required when the role is Administrator. */
    confirmPrivileged: z.boolean().optional(),
  })
  .strict();
export type NewUserInput = z.infer<typeof newUserInputSchema>;

/** The form's fields, named as the import row names them. */
export type NewUserField = ImportRowField;

/** The one-row import a new user is: line 1 of a file of one row. */
export function newUserImportRow(input: NewUserInput): ImportRowInput {
  return {
    line: 1,
    email: input.email,
    firstName: input.firstName ?? '',
    lastName: input.lastName ?? '',
    role: input.role ?? '',
    copyAccessFrom: input.copyAccessFrom ?? '',
  };
}

/** The name a one-row import is recorded under, where an import records its file's name. */
export const NEW_USER_FILE_NAME = 'New user';

/**
 * The refusal each import reason is for a new user, as a typed error code. A form row has no CSV to
 * misread nor earlier lines, so the quote and duplicate reasons cannot occur; they still map to the
 * nearest code rather than to nothing.
 */
const NEW_USER_REFUSAL_CODES = {
  already_exists: 'already_exists',
  duplicate_in_file: 'already_exists',
  unclosed_quote: 'unclosed_quote',
  misplaced_quote: 'invalid_characters',
  unreadable_line: 'invalid_characters',
  missing_email: 'missing_email',
  invalid_email: 'invalid_email',
  too_long: 'too_long',
  invalid_characters: 'invalid_characters',
  invalid_source_email: 'invalid_source_email',
  unknown_role: 'unknown_role',
  unknown_source_user: 'unknown_source_user',
  source_is_new: 'source_is_new',
} as const satisfies Record<ImportReason, DomainErrorCode>;

const COLUMN_FIELDS: Record<ImportColumn, ImportRowField> = IMPORT_ROW_FIELDS;

/** The form field a row's reason is about (`detail` names the column of `too_long` and `invalid_characters`). */
export function newUserReasonField(reason: ImportReason, detail: string | null): NewUserField {
  switch (reason) {
    case 'too_long':
    case 'invalid_characters': {
      const column = Object.keys(COLUMN_FIELDS).find((c): c is ImportColumn => c === detail);
      return column ? COLUMN_FIELDS[column] : 'email';
    }
    case 'unknown_role':
      return 'role';
    case 'invalid_source_email':
    case 'unknown_source_user':
    case 'source_is_new':
      return 'copyAccessFrom';
    default:
      return 'email';
  }
}

/**
 * Why the new user's row is not created, as the whole request's typed error (its code the import's
 * reason, its field the form's), or null when the row creates the user.
 */
export function newUserRefusal(row: ImportRowResult): DomainError | null {
  if (row.outcome === 'create' || row.reason === null) return null;
  return new DomainError(NEW_USER_REFUSAL_CODES[row.reason], importReasonSentence(row.reason, row.detail), {
    field: newUserReasonField(row.reason, row.detail),
  });
}
