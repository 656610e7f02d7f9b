import type { ImportColumn } from './columns';

/**
 * What one import may hold (SPEC §3, issue 6). Files over `maxBytes` are refused before they are
 * read; over `maxRows` (data rows, blank lines not counted) once parsed.
 *
 * `maxCellLength` is per column, in UTF-16 code units as `string.length` and zod's `.max` count them:
 * - `email` and `copy_access_from` 254: the longest address SMTP can carry (RFC 5321's path limit),
 *   the same bound sign-in applies, so an imported user can always sign in;
 * - `first_name`, `last_name` 100: what the invitation form lets people type for themselves;
 *   anything longer is a pasted paragraph, not a name;
 * - `role` 100: role names are short labels; this only catches a wrong column.
 */
export const IMPORT_LIMITS = {
  maxRows: 100_000,
  maxBytes: 20 * 1024 * 1024,
  maxCellLength: {
    email: 254,
    first_name: 100,
    last_name: 100,
    role: 100,
    copy_access_from: 254,
  } satisfies Record<ImportColumn, number>,
} as const;
