import { DOMAIN_ERROR_MESSAGES, type DomainErrorCode } from '../errors';
import type { ImportHeaderMatch } from './columns';
import { IMPORT_LIMITS } from './limits';
import { IMPORT_COLUMN_LABELS } from './reasons';

/**
 * Why a whole import file is refused before any row is looked at. Each is also a `DomainError` code
 * (BAD_REQUEST), so the server refuses a request with the same code and sentence.
 */
export const IMPORT_FILE_REFUSALS = [
  'empty_file',
  'no_rows',
  'missing_email_column',
  'duplicate_headers',
  'too_many_rows',
  'file_too_large',
  'not_utf8',
  'unclosed_quote',
] as const satisfies readonly DomainErrorCode[];
export type ImportFileRefusalReason = (typeof IMPORT_FILE_REFUSALS)[number];

/** What is known about the file, to make the sentence precise. */
export type ImportFileFacts = {
  /** Data rows in the file (for `too_many_rows`). */
  rows?: number;
  /** Size of the file (for `file_too_large`). */
  bytes?: number;
  /** Line the problem starts on (for `unclosed_quote`: a quote error on the header line; on a data line it is the row's error). */
  line?: number;
  /** Header problems (for `duplicate_headers`). */
  headerMatch?: ImportHeaderMatch;
};

export type ImportFileRefusal = {
  ok: false;
  reason: ImportFileRefusalReason;
  message: string;
  /** The file's header line when it was read: lets the mapping step fix a header problem. */
  headers?: string[];
  line?: number;
};

const count = (n: number) => n.toLocaleString('en');
const MEGABYTE = 1024 * 1024;
/** Rounded up: a file a byte over the limit must not read as exactly the limit. */
const megabytesUp = (bytes: number) => `${(Math.ceil((bytes / MEGABYTE) * 10) / 10).toFixed(1)} MB`;

function duplicateHeadersMessage(match: ImportHeaderMatch): string | null {
  if (match.duplicates.length === 0) return null;
  const each = match.duplicates.map(({ column, headers }) => {
    const names = headers.map((h) => `“${h.header.trim()}”`).join(', ');
    return `The columns ${names} are all read as ${IMPORT_COLUMN_LABELS[column]}.`;
  });
  return `${each.join(' ')} Keep only one of them, or choose which to use in the column mapping.`;
}

/** The sentence people read when a file is refused. */
export function importFileRefusalMessage(
  reason: ImportFileRefusalReason,
  facts: ImportFileFacts = {},
): string {
  switch (reason) {
    case 'too_many_rows':
      if (facts.rows !== undefined) {
        return `This file has ${count(facts.rows)} users; an import holds at most ${count(IMPORT_LIMITS.maxRows)}. Split it into smaller files.`;
      }
      break;
    case 'file_too_large':
      if (facts.bytes !== undefined) {
        return `This file is ${megabytesUp(facts.bytes)}; an import file is at most ${IMPORT_LIMITS.maxBytes / MEGABYTE} MB. Split it into smaller files.`;
      }
      break;
    case 'unclosed_quote':
      if (facts.line !== undefined) {
        return `The quoted value that starts on line ${facts.line} is never closed. Check the quotation marks on that line.`;
      }
      break;
    case 'duplicate_headers': {
      const message = facts.headerMatch && duplicateHeadersMessage(facts.headerMatch);
      if (message) return message;
      break;
    }
  }
  return DOMAIN_ERROR_MESSAGES[reason];
}

export function importFileRefusal(
  reason: ImportFileRefusalReason,
  facts: ImportFileFacts = {},
  headers?: string[],
): ImportFileRefusal {
  return {
    ok: false,
    reason,
    message: importFileRefusalMessage(reason, facts),
    ...(headers ? { headers } : {}),
    ...(facts.line !== undefined ? { line: facts.line } : {}),
  };
}

/**
 * Whether a header line can be imported as matched: an `email` column is needed, and no column may
 * be named twice (which one to read would be a guess). Both are fixed in the mapping step.
 */
export function importHeaderRefusal(
  match: ImportHeaderMatch,
  headers: readonly string[],
): ImportFileRefusal | null {
  if (match.missingEmail) return importFileRefusal('missing_email_column', {}, [...headers]);
  if (match.duplicates.length > 0) {
    return importFileRefusal('duplicate_headers', { headerMatch: match }, [...headers]);
  }
  return null;
}
