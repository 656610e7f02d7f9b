import { z } from 'zod';
import { hasUnstorableCharacter, withStorableCharacters } from '../text';
import { IMPORT_COLUMNS, type ImportColumn, type ImportColumnMapping } from './columns';
import { IMPORT_LIMITS } from './limits';
import {
  type ImportParseError,
  type ImportParseErrorReason,
  importLineSchema,
  importParseErrorSchema,
} from './parseErrors';

/**
 * One data row of an import file, its cells as read (possibly empty), and the line it starts on.
 * `parseError`: the CSV parser reported an error on the row, so its cells are not what the admin wrote.
 */
export type ImportRow = {
  line: number;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  copyAccessFrom: string;
  parseError?: ImportParseError;
};

export type ImportRowField = Exclude<keyof ImportRow, 'line' | 'parseError'>;

/** The row field each column is read into. */
export const IMPORT_ROW_FIELDS = {
  email: 'email',
  first_name: 'firstName',
  last_name: 'lastName',
  role: 'role',
  copy_access_from: 'copyAccessFrom',
} as const satisfies Record<ImportColumn, ImportRowField>;

/**
 * How many lines of the file a parsed record covers: one, plus the line breaks inside its quoted
 * cells (`\r\n`, `\n` or a lone `\r`, each counted once, as editors number lines).
 */
export function recordLineSpan(record: readonly string[]): number {
  let lines = 1;
  for (const cell of record) {
    if (cell.indexOf('\n') === -1 && cell.indexOf('\r') === -1) continue;
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i);
      if (c === 10) lines++;
      else if (c === 13 && cell.charCodeAt(i + 1) !== 10) lines++;
    }
  }
  return lines;
}

/** A record with nothing but blanks in it: an empty line, or `;;;;` left by a spreadsheet. */
export function isBlankRecord(record: readonly string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}

/**
 * The data rows of parsed CSV records (the header line excluded), read through `mapping`. Blank records
 * are dropped, yet every row keeps the line of the file it starts on, counting from `firstDataLine`.
 * `parseErrors` holds what the parser reported, by index in `records`: such a record is a row (even
 * blank) carrying its error and the last line the parser read into it.
 */
export function rowsFromRecords(
  records: readonly (readonly string[])[],
  mapping: ImportColumnMapping,
  firstDataLine: number,
  parseErrors: ReadonlyMap<number, ImportParseErrorReason> = new Map(),
): ImportRow[] {
  const cell = (record: readonly string[], index: number | null) =>
    index === null ? '' : (record[index] ?? '');
  const rows: ImportRow[] = [];
  let line = firstDataLine;
  records.forEach((record, index) => {
    const span = recordLineSpan(record);
    const parseError = parseErrors.get(index);
    if (parseError !== undefined || !isBlankRecord(record)) {
      const row: ImportRow = {
        line,
        email: cell(record, mapping.email),
        firstName: cell(record, mapping.first_name),
        lastName: cell(record, mapping.last_name),
        role: cell(record, mapping.role),
        copyAccessFrom: cell(record, mapping.copy_access_from),
      };
      if (parseError !== undefined) row.parseError = { reason: parseError, lastLine: line + span - 1 };
      rows.push(row);
    }
    line += span;
  });
  return rows;
}

/**
 * Longest cell a row may carry to the API: one more than the column's limit, so an over-long value
 * still arrives over-long and the server finds `too_long` exactly as the browser did, without a 1 MB
 * cell travelling whole. `toImportRowInput` trims and cuts cells to it.
 */
const transportLength = (column: ImportColumn) => IMPORT_LIMITS.maxCellLength[column] + 1;

const cellSchema = (column: ImportColumn) =>
  z
    .string()
    .max(transportLength(column), `A ${column} cell carries at most ${transportLength(column)} characters.`);

/**
 * One row as `imports.preview` and `imports.commit` receive it. Only its shape is checked here; the
 * server then runs `validateImportRows` on it, the very rules the browser ran.
 */
export const importRowInputSchema = z
  .object({
    line: importLineSchema,
    email: cellSchema('email'),
    firstName: cellSchema('first_name'),
    lastName: cellSchema('last_name'),
    role: cellSchema('role'),
    copyAccessFrom: cellSchema('copy_access_from'),
    /** The browser's parser reported an error on the row: the server refuses it as the browser did. */
    parseError: importParseErrorSchema.optional(),
  })
  .strict();
export type ImportRowInput = z.infer<typeof importRowInputSchema>;

/**
 * A row as the server keeps it until the import runs: cells PostgreSQL cannot store (a NUL, a broken
 * Unicode character, which only a typed client can send) get a control character in their place, so
 * the row is refused with `invalid_characters` (or as an invalid e-mail) as the original would be.
 */
export function storableImportRowInput(row: ImportRowInput): ImportRowInput {
  if (!IMPORT_COLUMNS.some((column) => hasUnstorableCharacter(row[IMPORT_ROW_FIELDS[column]]))) return row;
  const stored: ImportRowInput = { ...row };
  for (const column of IMPORT_COLUMNS) {
    const field = IMPORT_ROW_FIELDS[column];
    stored[field] = withStorableCharacters(row[field]);
  }
  return stored;
}

/** A row ready to send: cells trimmed, and cut so an over-long one stays over-long but small. */
export function toImportRowInput(row: ImportRow): ImportRowInput {
  const input: ImportRowInput = { ...row };
  for (const column of IMPORT_COLUMNS) {
    const field = IMPORT_ROW_FIELDS[column];
    input[field] = row[field].trim().slice(0, transportLength(column));
  }
  return input;
}
