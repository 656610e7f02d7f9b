import { createDb } from '@roster/db';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmptyDatabase, emptyDatabase, type SpawnedServer, spawnServer } from './spawnServer';

/**
 * Issue 16 items 4 and 13: the administrator's password reaches the output only on the start of a
 * development server that has just created that administrator; SIGTERM shuts the process down
 * cleanly (the pool closed, the data directory's lock given back, so a restart serves at once).
 */

const ADMIN = { email: 'output-admin@roster.test', password: 'printed only once, in development' };
const servers: SpawnedServer[] = [];
const databases: EmptyDatabase[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop('SIGKILL');
  for (const database of databases) await database.drop();
});

async function start(env: NodeJS.ProcessEnv): Promise<SpawnedServer> {
  const server = await spawnServer({
    ROSTER_ADMIN_EMAIL: ADMIN.email,
    ROSTER_ADMIN_PASSWORD: ADMIN.password,
    ROSTER_DEMO_USERS: '0',
    ...env,
  });
  servers.push(server);
  return server;
}

describe('the start-up output', () => {
  it('a development server prints the credentials when it creates the administrator, not on a restart; SIGTERM ends it cleanly', async () => {
    const database = await emptyDatabase();
    databases.push(database);
    const env = { ...database.env, NODE_ENV: 'development' };

    const first = await start(env);
    expect(first.output()).toContain(`Sign in as ${ADMIN.email} / ${ADMIN.password}`);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('Shut down');

    const second = await start(env);
    expect(second.output()).toContain('Roster is running');
    expect(second.output()).not.toContain(ADMIN.password);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    const code = await second.stop('SIGTERM');
    expect(code, second.output()).toBe(0);
  }, 300_000);

  it('a production server never prints the password, not even when it creates the administrator', async () => {
    const database = await emptyDatabase();
    databases.push(database);
    const server = await start({ ...database.env, NODE_ENV: 'production' });
    expect(server.output()).toContain('Roster is running');
    expect(server.output()).not.toContain(ADMIN.password);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output()).not.toContain(ADMIN.password);
  }, 300_000);

  it("a start that fails says why in one line, without the failed query's parameters (the new password hash)", async () => {
    const database = await emptyDatabase();
    databases.push(database);
    // The database, migrated, refuses the administrator's insert: the query carried the scrypt hash.
    const prepared = await createDb({
      url: database.env.DATABASE_URL || undefined,
      dataDir: database.env.ROSTER_DATA_DIR,
      maxConnections: 1,
    });
    try {
      await prepared.migrate();
      await prepared.db.execute(`create function refuse_users() returns trigger language plpgsql as $$
        begin raise exception 'no users today'; end $$`);
      await prepared.db.execute(
        'create trigger refuse_users before insert on users for each row execute function refuse_users()',
      );
    } finally {
      await prepared.close();
    }
    const failed = await start({ ...database.env, NODE_ENV: 'production' }).then(
      () => '',
      (error: unknown) => String(error),
    );
    expect(failed).toContain('exited (1)');
    expect(failed).toContain('Roster could not start');
    expect(failed).toContain('no users today');
    expect(failed).not.toContain('scrypt$');
    expect(failed).not.toContain('params');
    expect(failed).not.toContain(ADMIN.password);
  }, 300_000);
});
