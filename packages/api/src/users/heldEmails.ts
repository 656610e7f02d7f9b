import { type Db, queryRows } from '@roster/db';
import { sql } from 'drizzle-orm';

/** Which of these e-mails a user holds now, in one statement (none asked: no query). */
export async function heldEmails(db: Db, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await queryRows<{ email: string }>(
    db,
    sql`select email from users where email = any(${sql.param(emails)}::text[])`,
  );
  return new Set(rows.map((row) => row.email));
}
