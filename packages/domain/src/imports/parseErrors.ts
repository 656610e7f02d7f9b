import { z } from 'zod';
import { IMPORT_LIMITS } from './limits';
import type { ImportErrorReason } from './reasons';

/**
 * What the CSV parser may report on a row, as the row's error: a quoted value never closed, a
 * quotation mark that does not end its value (both make the parser read the next lines into the
 * row), anything else it cannot read. Such a row is never created, whatever its cells hold.
 */
export const IMPORT_PARSE_ERROR_REASONS = [
  'unclosed_quote',
  'misplaced_quote',
  'unreadable_line',
] as const satisfies readonly ImportErrorReason[];
export type ImportParseErrorReason = (typeof IMPORT_PARSE_ERROR_REASONS)[number];

/** A row the parser reported an error on: why, and the last line of the file read into the row. */
export type ImportParseError = { reason: ImportParseErrorReason; lastLine: number };

/** A line number of a file: a file of `maxBytes` bytes has no more lines than this. */
export const importLineSchema = z
  .number()
  .int()
  .min(1)
  .max(IMPORT_LIMITS.maxBytes + 1, 'A line number is at most the size of the largest file in bytes.');

export const importParseErrorSchema = z
  .object({ reason: z.enum(IMPORT_PARSE_ERROR_REASONS), lastLine: importLineSchema })
  .strict() satisfies z.ZodType<ImportParseError>;

export function isImportParseErrorReason(reason: string | null): reason is ImportParseErrorReason {
  return IMPORT_PARSE_ERROR_REASONS.some((r) => r === reason);
}

/** The detail a parse error's sentence names: the last line read into the row, when past its own. */
export function importParseErrorDetail(line: number, error: ImportParseError): string | null {
  return error.lastLine > line ? String(error.lastLine) : null;
}
