/**
 * The search table's name index holds both names and the search document (names and e-mail again) in
 * one entry, and its e-mail index the e-mail and the document, which btree bounds at 2,704 bytes: a
 * user with the longest names SCIM takes, in 3-byte characters, and the longest e-mail is stored, on
 * both databases (schema.ts, `user_search_name_idx`, `user_search_email_idx`).
 */
import { queryRows, roles, userSearch, users } from '@roster/db';
import { scimUserResourceSchema } from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { useHarness } from './harness';

const h = useHarness({ reset: false });

it('stores a user with the longest names and e-mail a client can send, found by a search', async () => {
  const name = '漢'.repeat(200);
  const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
  expect(email).toHaveLength(254);
  // The longest a client can send: SCIM's limits are the widest of the ways in.
  const parsed = scimUserResourceSchema.parse({
    userName: email,
    name: { givenName: name, familyName: name },
  });
  expect(parsed.userName).toBe(email);
  const [role] = await h.db.select({ id: roles.id }).from(roles).limit(1);
  if (!role) throw new Error('No role');
  const [user] = await h.db
    .insert(users)
    .values({ email, firstName: name, lastName: name, status: 'created', roleId: role.id })
    .returning({ id: users.id });
  if (!user) throw new Error('No user');
  const [row] = await h.db
    .select({ document: userSearch.document })
    .from(userSearch)
    .where(eq(userSearch.userId, user.id));
  expect(row?.document).toContain(email);
  const [size] = await queryRows<{ bytes: number }>(
    h.db,
    sql`select octet_length(document) + 2 * octet_length(${name}) as bytes from ${userSearch} where user_id = ${user.id}`,
  );
  expect(size?.bytes).toBeGreaterThan(2_600);
});
