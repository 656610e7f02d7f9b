import { type Db, queryRows } from '@roster/db';
import { IMPORT_DEFAULT_ROLE, type ImportRowResult } from '@roster/domain';
import { sql } from 'drizzle-orm';

export type ImportRole = { id: string; name: string; isAdmin: boolean };

/** What the database says about the rows of one chunk: existing e-mails, roles and source users. */
export type ImportLookups = {
  existingEmails: Set<string>;
  /** By lower-cased name; an empty role cell means the default role. */
  roleFor: (name: string) => ImportRole | undefined;
  sourceIdFor: (email: string) => string | undefined;
};

/** Role names are matched without regard to case or surrounding spaces. */
const roleKey = (name: string) => (name.trim() === '' ? IMPORT_DEFAULT_ROLE : name).trim().toLowerCase();

/** Three set-based lookups for a chunk of rows, whatever its size. */
export async function loadImportLookups(db: Db, rows: readonly ImportRowResult[]): Promise<ImportLookups> {
  const emails = rows.filter((r) => r.outcome === 'create').map((r) => r.email);
  const sources = [...new Set(rows.map((r) => r.copyAccessFrom).filter((e) => e !== ''))];
  const [existing, roles, sourceUsers] = await Promise.all([
    emails.length
      ? queryRows<{ email: string }>(
          db,
          sql`select email from users where email = any(${sql.param(emails)}::text[])`,
        )
      : [],
    queryRows<{ id: string; name: string; is_admin: boolean }>(db, sql`select id, name, is_admin from roles`),
    sources.length
      ? queryRows<{ id: string; email: string }>(
          db,
          sql`select id, email from users where email = any(${sql.param(sources)}::text[])`,
        )
      : [],
  ]);
  const rolesByName = new Map(
    roles.map((r) => [r.name.trim().toLowerCase(), { id: r.id, name: r.name, isAdmin: r.is_admin }]),
  );
  const sourcesByEmail = new Map(sourceUsers.map((u) => [u.email, u.id]));
  return {
    existingEmails: new Set(existing.map((r) => r.email)),
    roleFor: (name) => rolesByName.get(roleKey(name)),
    sourceIdFor: (email) => sourcesByEmail.get(email),
  };
}

/**
 * A row's final verdict once the database is consulted: the file's own rules first (decided by the
 * domain), then `already_exists`, `unknown_role`, `unknown_source_user`, `source_is_new`.
 * `emailsOfThisImport` are the e-mails the same file creates: copying from one of them cannot work.
 */
export function decideImportRow(
  row: ImportRowResult,
  lookups: ImportLookups,
  isEmailOfThisImport: (email: string) => boolean,
): ImportRowResult {
  if (row.outcome !== 'create') return row;
  const verdict = (
    outcome: 'skip' | 'error',
    reason: ImportRowResult['reason'],
    detail: string | null,
  ): ImportRowResult => ({ ...row, outcome, reason, detail });
  if (lookups.existingEmails.has(row.email)) return verdict('skip', 'already_exists', null);
  if (!lookups.roleFor(row.role)) return verdict('error', 'unknown_role', row.role);
  if (row.copyAccessFrom !== '' && !lookups.sourceIdFor(row.copyAccessFrom)) {
    return isEmailOfThisImport(row.copyAccessFrom)
      ? verdict('error', 'source_is_new', row.copyAccessFrom)
      : verdict('error', 'unknown_source_user', row.copyAccessFrom);
  }
  return row;
}
