import type { Outcome } from '../catalog';
import { IMPORT_COLUMNS, type ImportColumn } from './columns';
import { IMPORT_LIMITS } from './limits';

/** What becomes of one row of an import (SPEC §3). */
export const IMPORT_OUTCOMES = ['create', 'skip', 'error'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/**
 * What each verdict is among a bulk operation's results: a row with an error is `blocked` (by its
 * own content, as a guard blocks a change); `failed` stays for unexpected errors.
 */
export const IMPORT_RESULT_OUTCOMES = {
  create: 'change',
  skip: 'skip',
  error: 'blocked',
} as const satisfies Record<ImportOutcome, Outcome>;

/** Rows left alone: nothing is wrong with them, there is just nothing to create. */
export const IMPORT_SKIP_REASONS = {
  already_exists: 'A user with this e-mail already exists.',
  duplicate_in_file: 'The same e-mail is on an earlier line of this file.',
} as const;

/**
 * Rows that cannot be created until the file is fixed. The first eight are decided from the file alone
 * (`validateImportRows`, in the browser and again on the server): the three quote reasons are what
 * the CSV parser reported on the row (`IMPORT_PARSE_ERROR_REASONS`), its cells then not being the ones
 * the admin wrote. The others need the database and are decided by the server, but their codes and
 * sentences live here with the rest.
 */
export const IMPORT_ERROR_REASONS = {
  unclosed_quote: 'A quoted value on this line is never closed. Check its quotation marks.',
  misplaced_quote:
    'A quotation mark on this line is misplaced: a value that starts with one must end with one. Check its quotation marks.',
  unreadable_line: 'This line could not be read as CSV. Check its quotation marks and separators.',
  missing_email: 'The e-mail is empty.',
  invalid_email: 'This is not a valid e-mail address.',
  too_long: 'A value is too long.',
  invalid_characters: 'A value contains a line break, tab or other control character.',
  invalid_source_email: 'The copy_access_from value is not a valid e-mail address.',
  unknown_role: 'No role has this name.',
  unknown_source_user: 'No user has the e-mail to copy access from.',
  source_is_new:
    'The user to copy access from is created by this same import. Import that user first, then copy access.',
} as const;

export type ImportSkipReason = keyof typeof IMPORT_SKIP_REASONS;
export type ImportErrorReason = keyof typeof IMPORT_ERROR_REASONS;
export type ImportReason = ImportSkipReason | ImportErrorReason;

/** The sentence of every import reason, before its detail makes it precise. */
export const IMPORT_REASON_SENTENCES: Readonly<Record<ImportReason, string>> = {
  ...IMPORT_SKIP_REASONS,
  ...IMPORT_ERROR_REASONS,
};

export function isImportReason(value: string): value is ImportReason {
  return Object.hasOwn(IMPORT_REASON_SENTENCES, value);
}

export function importReasonOutcome(reason: ImportReason): 'skip' | 'error' {
  return Object.hasOwn(IMPORT_SKIP_REASONS, reason) ? 'skip' : 'error';
}

/** How columns are named in sentences. */
export const IMPORT_COLUMN_LABELS: Record<ImportColumn, string> = {
  email: 'e-mail',
  first_name: 'first name',
  last_name: 'last name',
  role: 'role',
  copy_access_from: 'copy_access_from e-mail',
};

function columnNamed(detail: string): ImportColumn | undefined {
  return IMPORT_COLUMNS.find((column) => column === detail);
}

/**
 * The sentence people read for a row's reason. `detail` makes it precise: for `too_long` and
 * `invalid_characters` the column, for `duplicate_in_file` the line of the first occurrence, for
 * `unclosed_quote` and `misplaced_quote` the last line read into the row (when it ran past its own),
 * for `unknown_role` the role name, for `unknown_source_user` the e-mail.
 */
export function importReasonSentence(reason: ImportReason, detail?: string | null): string {
  if (detail) {
    switch (reason) {
      case 'duplicate_in_file':
        return `The same e-mail is already on line ${detail}.`;
      case 'too_long': {
        const column = columnNamed(detail);
        if (column) {
          const max = IMPORT_LIMITS.maxCellLength[column];
          return `The ${IMPORT_COLUMN_LABELS[column]} has more than ${max} characters.`;
        }
        break;
      }
      case 'invalid_characters': {
        const column = columnNamed(detail);
        if (column) {
          return `The ${IMPORT_COLUMN_LABELS[column]} contains a line break, tab or other control character.`;
        }
        break;
      }
      case 'unclosed_quote':
        return `A quoted value on this line is never closed, so the lines after it, up to line ${detail}, were read into this row. Check its quotation marks.`;
      case 'misplaced_quote':
        return `A quotation mark on this line is misplaced, so the lines after it, up to line ${detail}, were read into this row. Check its quotation marks.`;
      case 'unknown_role':
        return `No role is named “${detail}”.`;
      case 'unknown_source_user':
        return `No user has the e-mail ${detail} to copy access from.`;
    }
  }
  return IMPORT_REASON_SENTENCES[reason];
}
