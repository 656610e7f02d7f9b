import { bulkOperations, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliServer, insertUsers, roleNamesByEmail, startCliServer, statusesByEmail } from './cliServer';
import { runCliOnTerminal } from './runCli';

let cli: CliServer;
beforeAll(async () => {
  cli = await startCliServer();
});
afterAll(() => cli.server.close());
beforeEach(() => cli.reset());

const onTerminal = (args: readonly string[], answer: string) =>
  runCliOnTerminal(args, { env: { ROSTER_URL: cli.server.url, ROSTER_TOKEN: cli.token }, answer });

describe('on a terminal, without --yes', () => {
  it('asks before applying; anything but yes applies nothing (exit 1)', async () => {
    const [user] = await insertUsers(cli, [{ email: 'ask.me@roster.test' }]);
    const run = await onTerminal(['bulk', 'deactivate', '--ids', user?.id ?? ''], 'n');
    expect(run.code).toBe(1);
    expect(run.output).toContain('Deactivate: apply to 1 user? [y/N]');
    expect(run.output).toContain('not_confirmed: Nothing was applied.');
    expect(await cli.server.testDb.db.$count(bulkOperations)).toBe(0);
    const [row] = await cli.server.testDb.db
      .select({ status: users.status })
      .from(users)
      .where(eq(users.id, user?.id ?? ''));
    expect(row?.status).toBe('active');
  });

  it('deactivating 100 users or more asks for their number; typed, applies with a progress bar', async () => {
    const many = await insertUsers(
      cli,
      Array.from({ length: 1_200 }, (_, i) => ({ email: `tty${String(i).padStart(4, '0')}@roster.test` })),
    );
    const yes = await onTerminal(['bulk', 'deactivate', '--filter', 'search=tty,status=active'], 'y');
    expect(yes.code).toBe(1);
    expect(yes.output).toContain('Deactivate: apply to 1,200 users?');
    expect(yes.output).toContain('Type 1,200 to confirm:');
    expect(yes.output).toContain('not_confirmed: Nothing was applied: the number typed did not match.');
    expect(await cli.server.testDb.db.$count(bulkOperations)).toBe(0);
    const run = await onTerminal(['bulk', 'deactivate', '--filter', 'search=tty,status=active'], '1,200');
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/Deactivate \[[█░]+\] 100% \| 1200\/1200 users \| 1,200 changed/);
    expect(run.output).toMatch(/Deactivate — Succeeded \(operation [0-9a-f-]{36}\)/);
    expect(new Set(Object.values(await statusesByEmail(cli, many)))).toEqual(new Set(['deactivated']));
  });

  it('the Administrator role needs the number of new administrators typed', async () => {
    const list = await insertUsers(cli, [{ email: 'adm1@roster.test' }, { email: 'adm2@roster.test' }]);
    const selection = list.map((u) => u.id).join(',');
    const both = (role: string) => ({ 'adm1@roster.test': role, 'adm2@roster.test': role });

    const wrong = await onTerminal(
      ['bulk', 'assign-role', '--role', 'Administrator', '--ids', selection],
      'y',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain('2 users will become administrators. Type 2 to confirm:');
    expect(wrong.output).toContain('not_confirmed: Nothing was applied: the number typed did not match.');
    expect(await roleNamesByEmail(cli, list)).toEqual(both('Reader'));

    const typed = await onTerminal(
      ['bulk', 'assign-role', '--role', 'Administrator', '--ids', selection],
      '2',
    );
    expect(typed.code, typed.output).toBe(0);
    expect(await roleNamesByEmail(cli, list)).toEqual(both('Administrator'));
  });
});
