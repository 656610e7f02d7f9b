import { IMPORT_DEFAULT_ROLE } from './commit';
import type { ImportRowResult } from './validateImportRows';

/** What the database knows that an import row's verdict depends on. */
export type ImportFacts = {
  emailExists: (email: string) => boolean;
  /** The role a row's `role` cell names (matched without case; empty means the default role). */
  role: (name: string) => { isAdmin: boolean } | undefined;
  sourceExists: (email: string) => boolean;
  /** Whether this same file creates a user with this e-mail. */
  isEmailOfThisImport: (email: string) => boolean;
};

/** The key a role name is matched by: trimmed, lower-cased, the default role when empty. */
export function importRoleKey(name: string): string {
  const trimmed = name.trim();
  return (trimmed === '' ? IMPORT_DEFAULT_ROLE : trimmed).toLowerCase();
}

/**
 * A row's final verdict once the database is consulted: the file's own rules first (already in
 * `row`), then `already_exists`, `unknown_role`, `unknown_source_user` or `source_is_new`.
 */
export function decideImportRow(row: ImportRowResult, facts: ImportFacts): ImportRowResult {
  if (row.outcome !== 'create') return row;
  if (facts.emailExists(row.email))
    return { ...row, outcome: 'skip', reason: 'already_exists', detail: null };
  if (!facts.role(row.role)) return { ...row, outcome: 'error', reason: 'unknown_role', detail: row.role };
  if (row.copyAccessFrom !== '' && !facts.sourceExists(row.copyAccessFrom)) {
    const reason = facts.isEmailOfThisImport(row.copyAccessFrom) ? 'source_is_new' : 'unknown_source_user';
    return { ...row, outcome: 'error', reason, detail: row.copyAccessFrom };
  }
  return row;
}

/** Whether a decided row creates a user with the Administrator role (which asks for confirmation). */
export function importRowCreatesAdministrator(
  row: ImportRowResult,
  facts: Pick<ImportFacts, 'role'>,
): boolean {
  return row.outcome === 'create' && facts.role(row.role)?.isAdmin === true;
}
