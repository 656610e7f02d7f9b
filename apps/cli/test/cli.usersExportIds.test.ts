import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, type InsertedUser, insertUsers, startCliServer } from './cliServer';

let cli: CliServer;
let listed: InsertedUser[];
const file = join(tmpdir(), `roster-users-export-ids-${process.pid}.txt`);
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  cli = await startCliServer();
  listed = await insertUsers(cli, [
    { email: 'ana@roster.test', role: 'Buyer' },
    { email: 'bea@roster.test', status: 'invited' },
    { email: 'cy@roster.test' },
    { email: 'not.listed@roster.test' },
  ]);
});
afterAll(async () => {
  await rm(file, { force: true });
  await cli.server.close();
});

const idOf = (email: string) => listed.find((u) => u.email === email)?.id ?? '';

describe('roster users export --ids', () => {
  it('exports the users a file lists by id or e-mail, and names the ones that do not exist', async () => {
    await writeFile(
      file,
      [
        '# the auditors asked for these',
        idOf('cy@roster.test'),
        '',
        'ANA@roster.test',
        'nobody@roster.test',
        NO_SUCH_ID,
        idOf('ana@roster.test'),
      ].join('\n'),
    );
    const run = await cli.cli([
      'users',
      'export',
      '--ids',
      file,
      '--sort',
      'email',
      '--columns',
      'email,role',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('E-mail,Role\r\nana@roster.test,Buyer\r\ncy@roster.test,Reader\r\n');
    expect(run.stderr).toContain('1 listed user does not exist and is not exported:\n  nobody@roster.test');
    expect(run.stderr).toContain(`1 listed user does not exist and is not exported:\n  ${NO_SUCH_ID}`);
  });

  it('reads the list from standard input with -', async () => {
    const run = await cli.cli(
      ['users', 'export', '--ids', '-', '--columns', 'email'],
      {},
      `${idOf('bea@roster.test')}\r\n`,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('E-mail\r\nbea@roster.test\r\n');
    expect(run.stderr).toBe('');
  });

  it('refuses a list of nobody (exit 1), a line that is neither (exit 2) and a filter beside it (exit 2)', async () => {
    const nobody = await cli.cli(['users', 'export', '--ids', '-'], {}, `ghost@roster.test\n${NO_SUCH_ID}\n`);
    expect(nobody.code).toBe(1);
    expect(nobody.stdout).toBe('');
    expect(nobody.stderr).toContain('user_not_found: None of the listed users exist.');

    const wrong = await cli.cli(['users', 'export', '--ids', '-'], {}, 'ana@roster.test\nAna Silva\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain('line 2 “Ana Silva”');

    const both = await cli.cli(
      ['users', 'export', '--ids', '-', '--status', 'active'],
      {},
      'ana@roster.test\n',
    );
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
  });
});
