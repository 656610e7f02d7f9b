import { z } from 'zod';
import { MODULES, type UserStatus } from './catalog';
import {
  ACCESS_LEVEL_LABELS,
  labelOf,
  MODULE_LABELS,
  RIGHT_LABELS,
  USER_STATUS_LABELS,
} from './catalogLabels';
import { csvRow } from './csv';
import { selectionSchema, userSortSchema, usersFilterSchema } from './users';

/** The users table's columns (SPEC §6): the essential ones, always shown, then the optional ones. */
export const ESSENTIAL_USER_COLUMNS = ['name', 'email', 'role', 'status', 'moduleAccess'] as const;
/** The columns an administrator may add beside the essential ones (the web's column chooser). */
export const OPTIONAL_USER_COLUMNS = ['lastLogin', 'created', 'scope', 'rights'] as const;
export const USER_COLUMNS = [...ESSENTIAL_USER_COLUMNS, ...OPTIONAL_USER_COLUMNS] as const;
export type UserColumn = (typeof USER_COLUMNS)[number];
export type OptionalUserColumn = (typeof OPTIONAL_USER_COLUMNS)[number];

/** A column's heading, as the users table and the export's header row say it. */
export const USER_COLUMN_LABELS: Record<UserColumn, string> = {
  name: 'Name',
  email: 'E-mail',
  role: 'Role',
  status: 'Status',
  moduleAccess: 'Module access',
  lastLogin: 'Last sign-in',
  created: 'Created',
  scope: 'Scope',
  rights: 'Rights',
};

/** The header cells of a column in the CSV: a name is two cells, so that a spreadsheet sorts by either. */
const CSV_HEADINGS: Record<UserColumn, readonly string[]> = {
  name: ['First name', 'Last name'],
  email: [USER_COLUMN_LABELS.email],
  role: [USER_COLUMN_LABELS.role],
  status: [USER_COLUMN_LABELS.status],
  moduleAccess: [USER_COLUMN_LABELS.moduleAccess],
  lastLogin: [USER_COLUMN_LABELS.lastLogin],
  created: [USER_COLUMN_LABELS.created],
  scope: [USER_COLUMN_LABELS.scope],
  rights: [USER_COLUMN_LABELS.rights],
};

/**
 * What `GET/POST /api/users/export.csv` and `roster users export` take: the users of a view (a filter,
 * as users.list takes it) or of a selection (ticked ids, or "all matching except these"), in a sort,
 * with the columns to write (the essential ones when none are named). A filter selection's
 * `expectedCount` is not checked: an export writes the users as they are when it runs.
 */
export const usersExportInputSchema = z
  .object({
    filter: usersFilterSchema.optional(),
    selection: selectionSchema.optional(),
    sort: userSortSchema.optional(),
    columns: z
      .array(z.enum(USER_COLUMNS))
      .min(1, 'Choose at least one column.')
      .max(USER_COLUMNS.length)
      .optional(),
  })
  .strict()
  .refine((input) => !(input.filter && input.selection), {
    message: 'Export a filter or a selection, not both.',
    path: ['selection'],
  });
export type UsersExportInput = z.infer<typeof usersExportInputSchema>;

/** The columns an export writes, each once, in the table's order. */
export function exportColumns(columns: readonly UserColumn[] | undefined): UserColumn[] {
  return columns?.length ? USER_COLUMNS.filter((c) => columns.includes(c)) : [...ESSENTIAL_USER_COLUMNS];
}

/** One user as an export writes it (unit names rather than ids; `module:level` pairs). */
export type ExportedUser = {
  firstName: string;
  lastName: string;
  email: string;
  roleName: string;
  status: UserStatus;
  moduleAccess: readonly string[];
  lastLoginAt: Date | null;
  createdAt: Date;
  scope: readonly string[];
  rights: readonly string[];
};

/** "Budget: Edit; Reporting: Read", in the catalogue's order of modules. */
function moduleAccessText(pairs: readonly string[]): string {
  const levels = new Map(
    pairs.map((pair) => {
      const [module = '', level = ''] = pair.split(':');
      return [module, level];
    }),
  );
  return MODULES.flatMap((module) => {
    const level = levels.get(module);
    return level ? [`${MODULE_LABELS[module]}: ${labelOf(ACCESS_LEVEL_LABELS, level)}`] : [];
  }).join('; ');
}

function cells(column: UserColumn, user: ExportedUser): (string | null)[] {
  switch (column) {
    case 'name':
      return [user.firstName, user.lastName];
    case 'email':
      return [user.email];
    case 'role':
      return [user.roleName];
    case 'status':
      return [USER_STATUS_LABELS[user.status]];
    case 'moduleAccess':
      return [moduleAccessText(user.moduleAccess)];
    case 'lastLogin':
      return [user.lastLoginAt?.toISOString() ?? null];
    case 'created':
      return [user.createdAt.toISOString()];
    case 'scope':
      return [user.scope.join('; ')];
    case 'rights':
      return [user.rights.map((r) => labelOf(RIGHT_LABELS, r)).join('; ')];
  }
}

/**
 * The users export's header line and a writer of its lines, for the chosen columns. Dates are ISO
 * 8601 in UTC (a spreadsheet reads them whatever its locale); lists are joined with "; ". Cells a
 * spreadsheet would run as a formula are escaped by `csvRow` (SPEC §3).
 */
export function usersCsvWriter(columns: readonly UserColumn[]) {
  return {
    header: csvRow(columns.flatMap((c) => CSV_HEADINGS[c])),
    line: (user: ExportedUser): string => csvRow(columns.flatMap((c) => cells(c, user))),
  };
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** `users-2026-12-03-0512.csv`: what and when (UTC, to the minute). */
export function usersExportFileName(now: Date): string {
  return `users-${now.getUTCFullYear()}-${twoDigits(now.getUTCMonth() + 1)}-${twoDigits(now.getUTCDate())}-${twoDigits(now.getUTCHours())}${twoDigits(now.getUTCMinutes())}.csv`;
}
