import type { PGlite } from '@electric-sql/pglite';
import { describe, expect, inject, it } from 'vitest';
import { takeEmbeddedDatabase } from '../src/testing/embeddedDatabases';

/**
 * The test files of a worker share its embedded databases (`takeEmbeddedDatabase`): what one file
 * leaves must never reach the next, and a file's database is only handed on when the file changed
 * rows alone.
 */
const template = inject('rosterTemplate');
const templateFile = template.kind === 'pglite' ? template.file : '';

const emptyUsers = async (pglite: PGlite) => {
  await pglite.exec('truncate users cascade');
};

const userCount = async (pglite: PGlite) =>
  (await pglite.query<{ n: number }>('select count(*)::int as n from users')).rows[0]?.n;

const addUser = (pglite: PGlite, email: string) =>
  pglite.query(
    `insert into users (id, email, first_name, last_name, status, role_id)
     select gen_random_uuid(), $1, 'Ada', 'Lovelace', 'created', id from roles order by name limit 1`,
    [email],
  );

describe.skipIf(template.kind !== 'pglite')('embedded test databases shared by a worker’s files', () => {
  it('a file that changed rows only hands its database on emptied, its session reset', async () => {
    const first = await takeEmbeddedDatabase(templateFile);
    await addUser(first.client, 'kept@roster.test');
    await first.client.query(`select set_config('roster.marker', 'left behind', false)`);
    expect(await first.giveBack(emptyUsers)).toBe('kept');

    const next = await takeEmbeddedDatabase(templateFile);
    expect(await userCount(next.client)).toBe(0);
    const marker = await next.client.query<{ value: string | null }>(
      `select current_setting('roster.marker', true) as value`,
    );
    expect(marker.rows[0]?.value ?? '').toBe('');
    expect(await next.giveBack(emptyUsers)).toBe('kept');
  });

  it('refuses the file’s calls once given back, and a second give-back does nothing', async () => {
    const taken = await takeEmbeddedDatabase(templateFile);
    expect(await taken.giveBack(emptyUsers)).toBe('kept');
    await expect(async () => taken.client.query('select 1')).rejects.toThrow('PGlite is closed');
    expect(taken.client.closed).toBe(true);
    expect(await taken.giveBack(emptyUsers)).toBe('already given back');
    await (await takeEmbeddedDatabase(templateFile)).giveBack(emptyUsers);
  });

  it.each([
    [
      'a trigger left behind',
      `create function refuse() returns trigger language plpgsql as $$ begin raise exception 'no'; end $$;
       create trigger refuse before insert on users for each row execute function refuse()`,
    ],
    [
      'a function of the schema given another body',
      `create or replace function roster_user_counts_after_insert() returns trigger language plpgsql
       as $$ begin return null; end $$`,
    ],
    ['a column added', 'alter table users add column extra text'],
    ['an index dropped', 'drop index users_status_last_login_idx'],
    ['row security turned on', 'alter table users enable row level security'],
    ['a role created', 'create role roster_probe'],
    ['a transaction left open', 'begin'],
  ])('closes a database the file changed beyond its rows: %s', async (_, statements) => {
    const taken = await takeEmbeddedDatabase(templateFile);
    await taken.client.exec(statements);
    expect(await taken.giveBack(emptyUsers)).toBe('closed');
    const next = await takeEmbeddedDatabase(templateFile);
    await addUser(next.client, 'after@roster.test');
    expect(await userCount(next.client)).toBe(1);
    expect(await next.giveBack(emptyUsers)).toBe('kept');
  });
});
