import { type Db, queryRows } from '@roster/db';
import { type ImportFacts, type ImportRowResult, importRoleKey } from '@roster/domain';
import { sql } from 'drizzle-orm';
import { heldEmails } from '../users/heldEmails';

export type ImportRole = { id: string; name: string; isAdmin: boolean };

/** What the database says about the rows of one chunk: existing e-mails, roles and source users. */
export type ImportLookups = Omit<ImportFacts, 'isEmailOfThisImport' | 'role'> & {
  role: (name: string) => ImportRole | undefined;
  sourceIdFor: (email: string) => string | undefined;
};

/**
 * Three set-based lookups for a chunk of rows, whatever its size. Only the rows still to be created
 * are looked up (the others are decided already): their cells passed the file's rules, so none holds
 * what PostgreSQL cannot take (a NUL in a refused row's cell failed the whole lookup).
 */
export async function loadImportLookups(db: Db, rows: readonly ImportRowResult[]): Promise<ImportLookups> {
  const created = rows.filter((r) => r.outcome === 'create');
  const emails = created.map((r) => r.email);
  const sources = [...new Set(created.map((r) => r.copyAccessFrom).filter((e) => e !== ''))];
  const [existingEmails, roles, sourceUsers] = await Promise.all([
    heldEmails(db, emails),
    queryRows<{ id: string; name: string; is_admin: boolean }>(db, sql`select id, name, is_admin from roles`),
    sources.length
      ? queryRows<{ id: string; email: string }>(
          db,
          sql`select id, email from users where email = any(${sql.param(sources)}::text[])`,
        )
      : [],
  ]);
  const rolesByKey = new Map(
    roles.map((r) => [importRoleKey(r.name), { id: r.id, name: r.name, isAdmin: r.is_admin }]),
  );
  const sourcesByEmail = new Map(sourceUsers.map((u) => [u.email, u.id]));
  return {
    emailExists: (email) => existingEmails.has(email),
    role: (name) => rolesByKey.get(importRoleKey(name)),
    sourceExists: (email) => sourcesByEmail.has(email),
    sourceIdFor: (email) => sourcesByEmail.get(email),
  };
}
