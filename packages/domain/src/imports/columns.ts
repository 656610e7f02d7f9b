import { z } from 'zod';

/** The columns an import file may have (SPEC §3); only `email` is required. */
export const IMPORT_COLUMNS = ['email', 'first_name', 'last_name', 'role', 'copy_access_from'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/**
 * Which header (by its index in the header line) each column is read from; `null`: the file has no
 * such column. `matchImportHeaders` proposes one; the mapping step lets the admin edit it and pass it back.
 */
export type ImportColumnMapping = Record<ImportColumn, number | null>;

const headerIndexSchema = z.number().int().min(0).nullable();

/** A mapping as it crosses a boundary (a worker message, a saved draft): checked, not trusted. */
export const importColumnMappingSchema = z
  .object({
    email: headerIndexSchema,
    first_name: headerIndexSchema,
    last_name: headerIndexSchema,
    role: headerIndexSchema,
    copy_access_from: headerIndexSchema,
  })
  .strict() satisfies z.ZodType<ImportColumnMapping>;

/** A header the import does not read: shown to the admin, its cells ignored. */
export type ImportHeaderRef = { index: number; header: string };

/** Several headers read as the same column: which one to use is ambiguous. */
export type ImportHeaderDuplicate = { column: ImportColumn; headers: ImportHeaderRef[] };

export type ImportHeaderMatch = {
  /** The first header of each column (duplicates are reported, not guessed between). */
  mapping: ImportColumnMapping;
  missingEmail: boolean;
  duplicates: ImportHeaderDuplicate[];
  unknownHeaders: ImportHeaderRef[];
};

/** Header spellings people and spreadsheet tools use, after `normalizeImportHeader`. */
const HEADER_ALIASES: Readonly<Record<string, ImportColumn>> = {
  email: 'email',
  e_mail: 'email',
  email_address: 'email',
  e_mail_address: 'email',
  mail: 'email',
  first_name: 'first_name',
  firstname: 'first_name',
  given_name: 'first_name',
  givenname: 'first_name',
  forename: 'first_name',
  last_name: 'last_name',
  lastname: 'last_name',
  surname: 'last_name',
  family_name: 'last_name',
  familyname: 'last_name',
  role: 'role',
  role_name: 'role',
  copy_access_from: 'copy_access_from',
  copy_access: 'copy_access_from',
  copy_access_from_email: 'copy_access_from',
};

/**
 * A header as it is compared: lower-cased, without a byte-order mark (or its UTF-8 bytes read as
 * Windows-1252, "ï»¿", which double-encoded files carry), every run of spaces, hyphens and other
 * punctuation turned into one underscore, none at either end. "E-mail " → `e_mail`, "Email*" → `email`.
 */
export function normalizeImportHeader(header: string): string {
  return header
    .replace(/^(?:\uFEFF|ï»¿)+/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** The column a header is read as, or `null` when the import does not know it. */
export function importColumnForHeader(header: string): ImportColumn | null {
  return HEADER_ALIASES[normalizeImportHeader(header)] ?? null;
}

export function emptyImportMapping(): ImportColumnMapping {
  return { email: null, first_name: null, last_name: null, role: null, copy_access_from: null };
}

/** Matches a file's header line to the import's columns and says what is wrong with it. */
export function matchImportHeaders(headers: readonly string[]): ImportHeaderMatch {
  const mapping = emptyImportMapping();
  const byColumn = new Map<ImportColumn, ImportHeaderRef[]>();
  const unknownHeaders: ImportHeaderRef[] = [];
  headers.forEach((header, index) => {
    const column = importColumnForHeader(header);
    if (column === null) {
      // A nameless column is a spreadsheet's stray trailing cell, not something to tell the admin about.
      if (normalizeImportHeader(header) !== '') unknownHeaders.push({ index, header });
      return;
    }
    const refs = byColumn.get(column) ?? [];
    refs.push({ index, header });
    byColumn.set(column, refs);
    if (mapping[column] === null) mapping[column] = index;
  });
  const duplicates = IMPORT_COLUMNS.flatMap((column) => {
    const refs = byColumn.get(column) ?? [];
    return refs.length > 1 ? [{ column, headers: refs }] : [];
  });
  return { mapping, missingEmail: mapping.email === null, duplicates, unknownHeaders };
}

/** Headers a mapping (proposed or edited by the admin) does not read. */
export function unmappedImportHeaders(
  headers: readonly string[],
  mapping: ImportColumnMapping,
): ImportHeaderRef[] {
  const used = new Set(Object.values(mapping));
  return headers.flatMap((header, index) =>
    used.has(index) || normalizeImportHeader(header) === '' ? [] : [{ index, header }],
  );
}
