/**
 * `roster users list` with the filters of issue 19 item 7 (last sign-in, created between, e-mail
 * domain, several rights), and the same words in a bulk `--filter`, checked against the database.
 */
import { userRights, users } from '@roster/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dryRunJson } from './cliJson';
import { type CliServer, insertUsers, startCliServer } from './cliServer';
import { type CliRun, jsonOf, successJson } from './runCli';

let cli: CliServer;
const DAY = 86_400_000;

const usersListJson = z.object({ total: z.number(), items: z.array(z.object({ email: z.string() })) });
function emailsOf(run: CliRun): string[] {
  return usersListJson
    .parse(successJson(run))
    .items.map((u) => u.email)
    .sort();
}

beforeAll(async () => {
  cli = await startCliServer();
  const inserted = await insertUsers(cli, [
    { email: 'old.login@acme.test' },
    { email: 'recent.login@acme.test' },
    { email: 'never.login@eu.acme.test', status: 'created' },
    { email: 'buyer@other.test' },
    { email: 'exporter@other.test' },
  ]);
  const db = cli.server.testDb.db;
  const now = Date.now();
  const at = (days: number) => new Date(now - days * DAY);
  for (const [email, lastLogin, created] of [
    ['old.login@acme.test', at(200), '2024-01-10T12:00:00Z'],
    ['recent.login@acme.test', at(2), '2024-02-10T12:00:00Z'],
    ['never.login@eu.acme.test', null, '2024-02-11T23:30:00Z'],
    ['buyer@other.test', at(1), '2024-03-01T00:00:00Z'],
    ['exporter@other.test', at(1), '2024-03-02T00:00:00Z'],
  ] as const) {
    await db
      .update(users)
      .set({ lastLoginAt: lastLogin, createdAt: new Date(created) })
      .where(eq(users.email, email));
  }
  const idOf = (email: string) => inserted.find((u) => u.email === email)?.id ?? '';
  await db.insert(userRights).values([
    { userId: idOf('buyer@other.test'), right: 'buyer' },
    { userId: idOf('exporter@other.test'), right: 'data_export' },
    { userId: idOf('old.login@acme.test'), right: 'team_manager' },
  ]);
});
afterAll(() => cli.server.close());

const list = (...args: string[]) => cli.cli(['users', 'list', ...args, '--json']);

describe('roster users list: the new filters', () => {
  it('--last-sign-in never | N days', async () => {
    const never = await cli.server.testDb.db
      .select({ email: users.email })
      .from(users)
      .where(sql`${users.lastLoginAt} is null`);
    expect(emailsOf(await list('--last-sign-in', 'never'))).toEqual(never.map((u) => u.email).sort());
    expect(emailsOf(await list('--last-sign-in', '30'))).toEqual(['old.login@acme.test']);
    expect(emailsOf(await list('--last-sign-in', '3d'))).toEqual(['old.login@acme.test']);
  });

  it('--created-from and --created-to (UTC days, the last one included)', async () => {
    expect(emailsOf(await list('--created-from', '2024-02-01', '--created-to', '2024-02-11'))).toEqual([
      'never.login@eu.acme.test',
      'recent.login@acme.test',
    ]);
    expect(emailsOf(await list('--created-to', '2024-01-31'))).toEqual(['old.login@acme.test']);
  });

  it('--domain: exactly that domain, any case', async () => {
    expect(emailsOf(await list('--domain', 'ACME.test'))).toEqual([
      'old.login@acme.test',
      'recent.login@acme.test',
    ]);
    expect(emailsOf(await list('--domain', 'eu.acme.test'))).toEqual(['never.login@eu.acme.test']);
  });

  it('--right repeated: any of them', async () => {
    expect(emailsOf(await list('--right', 'buyer', '--right', 'data_export'))).toEqual([
      'buyer@other.test',
      'exporter@other.test',
    ]);
  });

  it('the same words in a bulk --filter select the same users', async () => {
    const dryRun = (filter: string) =>
      cli.cli(['bulk', 'deactivate', '--filter', filter, '--dry-run', '--json']);
    const run = await dryRun('email-domain=other.test,right=buyer,right=data_export,last-sign-in=never');
    // Nobody at other.test never signed in: an empty selection is refused.
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('empty_selection');
    const preview = await dryRun(
      'email-domain=other.test,right=buyer,right=data_export,created-from=2024-03-02',
    );
    expect(preview.code, preview.stderr).toBe(0);
    const answer = dryRunJson.parse(jsonOf(preview));
    expect(answer.preview.total).toBe(1);
    expect(answer.selection).toMatchObject({
      filter: { emailDomain: 'other.test', rights: ['buyer', 'data_export'], createdFrom: '2024-03-02' },
      expectedCount: 1,
    });
  });

  it('bad values are usage errors (exit 2) or typed refusals (exit 1)', async () => {
    const days = await list('--last-sign-in', 'sometimes');
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('A last sign-in filter is “never” or a number of days');
    const domain = await list('--domain', 'ana@acme.test');
    expect(domain.code).toBe(2);
    expect(domain.stderr).toContain('An e-mail domain is written like acme.com');
    const range = await list('--created-from', '2024-03-02', '--created-to', '2024-03-01');
    expect(range.code).toBe(1);
    expect(range.stderr).toMatch(/^invalid_date_range: /m);
    const right = await list('--right', 'superpowers');
    expect(right.code).toBe(1);
    expect(right.stderr).toMatch(/^unknown_right: /m);
  });
});
