import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { roles, users } from '@roster/db';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, insertUsers, startCliServer } from './cliServer';

let cli: CliServer;
const out = join(tmpdir(), `roster-users-export-${process.pid}.csv`);

beforeAll(async () => {
  cli = await startCliServer();
  await insertUsers(cli, [
    { email: 'alice.invited@roster.test', status: 'invited', role: 'Reader' },
    { email: 'bob.invited@roster.test', status: 'invited', role: 'Buyer' },
    { email: '=cmd@roster.test', status: 'invited', role: 'Reader' },
    { email: 'dan.created@roster.test', status: 'created', role: 'Reader' },
    ...Array.from({ length: 30 }, (_, i) => ({
      email: `many${String(i).padStart(2, '0')}@roster.test`,
      role: 'Contributor' as const,
    })),
  ]);
});
afterAll(async () => {
  await rm(out, { force: true });
  await cli.server.close();
});

/** `roster users export` with these options. */
const usersExport = (...options: string[]) => cli.cli(['users', 'export', ...options]);

describe('roster users export', () => {
  it('writes the view’s users as CSV on standard output, filtered and sorted as asked, formulas escaped', async () => {
    const invitedReaders = ['--status', 'invited', '--role', 'Reader'];
    const run = await usersExport(
      ...invitedReaders,
      '--sort',
      'email',
      '--desc',
      '--columns',
      'email,role,status',
    );
    expect(run.code, run.stderr).toBe(0);
    const rows = await cli.server.testDb.db
      .select({ email: users.email })
      .from(users)
      .innerJoin(roles, eq(roles.id, users.roleId))
      .where(and(eq(users.status, 'invited'), inArray(roles.name, ['Reader'])))
      .orderBy(desc(users.email));
    expect(rows).toHaveLength(2);
    expect(run.stdout).toBe(
      `E-mail,Role,Status\r\n${rows
        .map((r) => `${r.email.startsWith('=') ? `'${r.email}` : r.email},Reader,Invited\r\n`)
        .join('')}`,
    );
  });

  it('writes every user to a file with --out', async () => {
    const run = await usersExport('--out', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Exported to ${out}.`);
    const lines = (await readFile(out, 'utf8')).split('\r\n').slice(0, -1);
    expect(lines[0]).toBe('First name,Last name,E-mail,Role,Status,Module access');
    const all = await cli.server.testDb.db
      .select({ email: users.email })
      .from(users)
      .orderBy(asc(users.lastName), asc(users.firstName), asc(users.id));
    expect(lines.slice(1).map((l) => l.split(',')[2]?.replace(/^'/, ''))).toEqual(all.map((u) => u.email));
  });

  it('takes the filters users list takes (an e-mail domain)', async () => {
    const none = await usersExport('--domain', 'other.test', '--columns', 'email');
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('E-mail\r\n');
    const run = await usersExport('--domain', 'ROSTER.test', '--sort', 'email', '--columns', 'email');
    expect(run.code, run.stderr).toBe(0);
    const all = await cli.server.testDb.db
      .select({ email: users.email })
      .from(users)
      .orderBy(asc(users.email));
    expect(run.stdout).toBe(
      `E-mail\r\n${all.map((u) => `${u.email.startsWith('=') ? "'" : ''}${u.email}\r\n`).join('')}`,
    );
  });

  it('refuses an unknown column (usage) and an unknown role (refused) with nothing written', async () => {
    const column = await usersExport('--columns', 'email,password');
    expect(column.code).toBe(2);
    expect(column.stdout).toBe('');
    expect(column.stderr).toContain('Unknown column “password”');
    const role = await usersExport('--role', 'Nobody');
    expect(role.code).toBe(1);
    expect(role.stdout).toBe('');
  });

  it('says the server cannot be reached as every command does', async () => {
    const run = await cli.cli(['users', 'export'], { ROSTER_URL: 'http://127.0.0.1:9' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^unreachable: Cannot reach the Roster server at http:\/\/127\.0\.0\.1:9 \(/,
    );
  });

  it('an export cut off before its end says so, and leaves no partial file behind', async () => {
    // A server that starts the CSV and then drops the connection (it stopped, the network cut).
    const cutting = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      res.write('First name,Last name,E-mail\r\nAda,Lovelace,ada@x.test\r\n');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    await new Promise<void>((resolve) => cutting.listen(0, '127.0.0.1', resolve));
    const address = cutting.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const out = join(tmpdir(), `roster-cut-${process.pid}.csv`);
    try {
      const run = await cli.cli(['users', 'export', '--out', out], {
        ROSTER_URL: `http://127.0.0.1:${address.port}`,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^export_interrupted: The export stopped before its end/m);
      await expect(readFile(out, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
      // A file already there is left as it was, not removed nor half overwritten.
      await writeFile(out, 'the export of yesterday\n');
      const again = await cli.cli(['users', 'export', '--out', out], {
        ROSTER_URL: `http://127.0.0.1:${address.port}`,
      });
      expect(again.code).toBe(1);
      expect(await readFile(out, 'utf8')).toBe('the export of yesterday\n');
      // To stdout with --json: the CSV a script reads is left as it came, the refusal on stderr alone.
      const streamed = await cli.cli(['users', 'export', '--json'], {
        ROSTER_URL: `http://127.0.0.1:${address.port}`,
      });
      expect(streamed.code).toBe(1);
      expect(streamed.stdout).toBe('First name,Last name,E-mail\r\nAda,Lovelace,ada@x.test\r\n');
      expect(streamed.stderr).toMatch(/^export_interrupted: The export stopped before its end/m);
    } finally {
      await new Promise<void>((resolve) => cutting.close(() => resolve()));
      await rm(out, { force: true });
    }
  });

  it('says the token was refused when it is', async () => {
    const run = await cli.cli(['users', 'export'], { ROSTER_TOKEN: 'rst_unknown' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('API token was not accepted');
  });
});
