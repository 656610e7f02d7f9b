import { z } from 'zod';
import { normalizeEmail } from '../auth';
import { hasUnstorableCharacter } from '../text';
import { IMPORT_LIMITS } from './limits';
import { importParseErrorDetail, isImportParseErrorReason } from './parseErrors';
import { type ImportOutcome, type ImportReason, importReasonOutcome } from './reasons';
import type { ImportRow } from './rows';

/** A row's fate, with its values as they would be stored: e-mails trimmed and lower-cased, the rest trimmed. */
export type ImportRowResult = {
  line: number;
  outcome: ImportOutcome;
  reason: ImportReason | null;
  /** Makes the reason's sentence precise (see `importReasonSentence`). */
  detail: string | null;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  /** The source user's e-mail, normalised like `email`; empty when access is not copied. */
  copyAccessFrom: string;
};

export type ImportCounts = {
  total: number;
  create: number;
  skip: number;
  error: number;
  reasons: Partial<Record<ImportReason, number>>;
};

/** The very pattern `z.email()` (and so sign-in's `emailSchema`) checks, without a zod parse per row. */
const EMAIL_PATTERN = z.regexes.email;

/**
 * Whether a value holds a C0 control character or DEL (a line break or tab inside a name, a NUL), or
 * a character PostgreSQL cannot store (`hasUnstorableCharacter`: half of a surrogate pair, which only
 * a typed client can send). A loop, not a regex: cheaper on the short strings of 100,000 rows.
 */
function hasInvalidCharacter(value: string): boolean {
  let surrogates = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
    if (code >= 0xd800 && code <= 0xdfff) surrogates = true;
  }
  return surrogates && hasUnstorableCharacter(value);
}

const MAX = IMPORT_LIMITS.maxCellLength;

/** The first problem of a row's other cells (its e-mail being fine), as a reason and its detail. */
function otherCellsProblem(
  firstName: string,
  lastName: string,
  role: string,
  copyAccessFrom: string,
): [ImportReason, string | null] | null {
  if (firstName.length > MAX.first_name) return ['too_long', 'first_name'];
  if (lastName.length > MAX.last_name) return ['too_long', 'last_name'];
  if (role.length > MAX.role) return ['too_long', 'role'];
  if (copyAccessFrom.length > MAX.copy_access_from) return ['too_long', 'copy_access_from'];
  if (hasInvalidCharacter(firstName)) return ['invalid_characters', 'first_name'];
  if (hasInvalidCharacter(lastName)) return ['invalid_characters', 'last_name'];
  if (hasInvalidCharacter(role)) return ['invalid_characters', 'role'];
  if (copyAccessFrom !== '' && !EMAIL_PATTERN.test(copyAccessFrom)) return ['invalid_source_email', null];
  return null;
}

/**
 * A validator for the rows of one import, in file order: it remembers the e-mails it has seen, so a
 * later row with the same e-mail is a `duplicate_in_file` skip even when rows arrive in chunks.
 *
 * Order of the rules: what the CSV parser reported on the row (`unclosed_quote`, `misplaced_quote`,
 * `unreadable_line`: its cells are not what the admin wrote, so they are not judged, and it is nobody);
 * then the e-mail (`missing_email`, `too_long` e-mail, `invalid_email`: such a row is nobody, so it
 * cannot duplicate anyone); then `duplicate_in_file` (the row is ignored whatever else is in it); then
 * the other cells (`too_long`, `invalid_characters`, `invalid_source_email`).
 * Only what needs no database is decided here; the server adds `already_exists`, `unknown_role`,
 * `unknown_source_user` and `source_is_new` to the rows this leaves as `create`.
 *
 * `firstLines` tells a validator that sees only part of the file (a batch on the server) on which
 * line the rest of the file first has an e-mail: a row after that line is that line's duplicate.
 *
 * It runs on every row of a 100,000-row file on each side, so it is one straight pass: no zod parse,
 * no intermediate objects, one `Map` lookup per row.
 */
export function createImportRowValidator(
  firstLines?: ReadonlyMap<string, number>,
): (row: ImportRow) => ImportRowResult {
  const firstLineOfEmail = new Map<string, number>();
  return (row) => {
    const email = normalizeEmail(row.email);
    const firstName = row.firstName.trim();
    const lastName = row.lastName.trim();
    const role = row.role.trim();
    const copyAccessFrom = normalizeEmail(row.copyAccessFrom);
    let problem: [ImportReason, string | null] | null;
    if (row.parseError) problem = [row.parseError.reason, importParseErrorDetail(row.line, row.parseError)];
    else if (email === '') problem = ['missing_email', null];
    else if (email.length > MAX.email) problem = ['too_long', 'email'];
    else if (!EMAIL_PATTERN.test(email)) problem = ['invalid_email', null];
    else {
      const known = firstLines?.get(email);
      const firstLine = known !== undefined && known < row.line ? known : firstLineOfEmail.get(email);
      if (firstLine !== undefined) problem = ['duplicate_in_file', String(firstLine)];
      else {
        firstLineOfEmail.set(email, row.line);
        problem = otherCellsProblem(firstName, lastName, role, copyAccessFrom);
      }
    }
    return {
      line: row.line,
      outcome: problem === null ? 'create' : importReasonOutcome(problem[0]),
      reason: problem === null ? null : problem[0],
      detail: problem === null ? null : problem[1],
      email,
      firstName,
      lastName,
      role,
      copyAccessFrom,
    };
  };
}

/** Every rule that needs no database, over a whole file's rows in one pass (browser and server alike). */
export function validateImportRows(rows: readonly ImportRow[]): ImportRowResult[] {
  return rows.map(createImportRowValidator());
}

export function countImportOutcomes(
  results: readonly Pick<ImportRowResult, 'outcome' | 'reason'>[],
): ImportCounts {
  const counts: ImportCounts = { total: results.length, create: 0, skip: 0, error: 0, reasons: {} };
  for (const { outcome, reason } of results) {
    counts[outcome]++;
    if (reason !== null) counts.reasons[reason] = (counts.reasons[reason] ?? 0) + 1;
  }
  return counts;
}

/**
 * Whether a row names somebody: its e-mail passed the e-mail rules, so a later row with the same
 * e-mail is its duplicate (whatever else is wrong with this one).
 */
export function importRowHasEmail(result: Pick<ImportRowResult, 'reason' | 'detail'>): boolean {
  if (result.reason === 'missing_email' || result.reason === 'invalid_email') return false;
  if (isImportParseErrorReason(result.reason)) return false;
  return !(result.reason === 'too_long' && result.detail === 'email');
}
