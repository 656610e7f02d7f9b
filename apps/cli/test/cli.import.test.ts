import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bulkOperations, invitations, moduleAccess, users } from '@roster/db';
import { eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CliServer, insertUsers, startCliServer } from './cliServer';
import { jsonOf } from './runCli';

let cli: CliServer;
let dir: string;
beforeAll(async () => {
  cli = await startCliServer();
  dir = await mkdtemp(join(tmpdir(), 'roster-cli-import-'));
});
afterAll(() => cli.server.close());
beforeEach(() => cli.reset());

const db = () => cli.server.testDb.db;

async function csvFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const FILE = `email;first_name;last_name;role;copy_access_from
cli-ada@import.test;Ada;Lovelace;project manager;
CLI-Alan@import.test ;Alan;Turing;;cli-source@import.test
cli-taken@import.test;Taken;Already;;
cli-ada@import.test;Ada;Again;;
nope;Bad;Row;;
`;

const verdictsJson = z.object({
  dryRun: z.boolean(),
  counts: z.object({ create: z.number(), skip: z.number(), error: z.number() }),
  verdicts: z.array(z.object({ line: z.number(), outcome: z.string(), reason: z.string().nullable() })),
});
const importedJson = z.object({
  counts: z.object({ create: z.number() }),
  operation: z.object({
    id: z.uuid(),
    kind: z.literal('import'),
    status: z.string(),
    counts: z.object({ change: z.number(), skip: z.number(), blocked: z.number(), failed: z.number() }),
  }),
});

async function seedSourceAndTaken() {
  const [source] = await insertUsers(cli, [
    { email: 'cli-source@import.test', modules: { portfolio: 'edit' } },
    { email: 'cli-taken@import.test' },
  ]);
  return source;
}

const created = () => db().select().from(users).where(like(users.email, 'cli-a%'));

describe('roster import', () => {
  it('--dry-run shows every row with its verdict and creates nothing', async () => {
    await seedSourceAndTaken();
    const path = await csvFile('people.csv', FILE);
    const run = await cli.cli(['import', path, '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = verdictsJson.parse(jsonOf(run));
    expect(out.counts).toEqual({ create: 2, skip: 2, error: 1 });
    expect(out.verdicts.map((v) => [v.line, v.outcome, v.reason])).toEqual([
      [2, 'create', null],
      [3, 'create', null],
      [4, 'skip', 'already_exists'],
      [5, 'skip', 'duplicate_in_file'],
      [6, 'error', 'invalid_email'],
    ]);
    expect(await created()).toEqual([]);
    // Only the previewed rows are kept, for a commit that never comes (dropped after a day).
    const kept = await db().select().from(bulkOperations);
    expect(kept.map((o) => [o.kind, o.status])).toEqual([['import', 'receiving']]);

    const text = await cli.cli(['import', path, '--dry-run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2 to create · 2 skipped · 1 with errors');
    expect(text.stdout).toContain(
      'skip:duplicate_in_file (1): The same e-mail is already on line 2. Lines 5.',
    );
  });

  it('reports a line with an unbalanced quote as an error on its line, and the lines read as one row', async () => {
    // The quote opened on line 3 is closed at the end of line 4: 4 lines under the header, 3 rows.
    const path = await csvFile(
      'quotes.csv',
      'email,first_name\ncli-a@import.test,Ada\ncli-b@import.test,"Bob\ncli-c@import.test,"Cid"\ncli-d@import.test,Dee\n',
    );
    const run = await cli.cli(['import', path, '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'This file has 4 lines under its header but 3 rows: lines 3–4 were read as one row (a quoted value runs over them). Check the quotation marks on line 3.',
    );
    expect(run.stdout).toContain('2 to create · 0 skipped · 1 with errors');
    expect(run.stdout).toContain(
      'error:misplaced_quote (1): A quotation mark on this line is misplaced, so the lines after it, up to line 4, were read into this row. Check its quotation marks. Lines 3.',
    );
    const json = await cli.cli(['import', path, '--dry-run', '--json']);
    const out = verdictsJson.parse(jsonOf(json));
    expect(out.verdicts.map((v) => [v.line, v.outcome, v.reason])).toEqual([
      [2, 'create', null],
      [3, 'error', 'misplaced_quote'],
      [5, 'create', null],
    ]);
  });

  it('--errors-csv writes the rows not created, formula cells escaped, to fix and import again', async () => {
    await seedSourceAndTaken();
    const path = await csvFile('formulas.csv', `${FILE}=HYPERLINK("http://evil.example");x;y;;\n`);
    const target = join(dir, 'not-created.csv');
    const run = await cli.cli(['import', path, '--dry-run', '--errors-csv', target]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Rows not created: ${target}`);
    const lines = (await readFile(target, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split(/\r?\n/);
    expect(lines[0]).toContain('line,email');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['4', '5', '6', '7']);
    expect(lines.at(-1)).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(lines.join('\n')).not.toMatch(/(^|,)"?=HYPERLINK/m);

    // Committed, the report counts the file's rows in an import's words.
    const done = await cli.cli(['import', path, '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('6 of 6 rows processed: 2 created, 2 skipped, 2 not created, 0 failed');
  });

  it('--yes creates the valid rows with their role and copied access, invited when asked', async () => {
    await seedSourceAndTaken();
    const path = await csvFile('people.csv', FILE);
    const run = await cli.cli(['import', path, '--yes', '--invite', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = importedJson.parse(jsonOf(run));
    expect(out.operation).toMatchObject({ kind: 'import', status: 'completed_with_skips' });
    expect(out.operation.counts).toEqual({ change: 2, skip: 2, blocked: 1, failed: 0 });
    const made = new Map((await created()).map((u) => [u.email, u]));
    expect(made.get('cli-ada@import.test')).toMatchObject({
      status: 'invited',
      roleId: await cli.roleId('Project manager'),
    });
    const alan = made.get('cli-alan@import.test');
    expect(alan).toMatchObject({ status: 'invited', roleId: await cli.roleId('Reader') });
    const access = await db()
      .select()
      .from(moduleAccess)
      .where(eq(moduleAccess.userId, alan?.id ?? ''));
    expect(access.map((a) => [a.module, a.level])).toEqual([['portfolio', 'edit']]);
    const pending = await db()
      .select()
      .from(invitations)
      .where(
        inArray(
          invitations.userId,
          [...made.values()].map((u) => u.id),
        ),
      );
    expect(pending).toHaveLength(2);
    const [operation] = await db()
      .select()
      .from(bulkOperations)
      .where(eq(bulkOperations.id, out.operation.id));
    expect(operation?.fileSha256).toMatch(/^[0-9a-f]{64}$/);

    // The same file again with the same operation id creates nothing twice.
    const again = await cli.cli(['import', path, '--yes', '--json', '--operation-id', out.operation.id]);
    expect(again.code, again.stderr).toBe(0);
    expect((await created()).length).toBe(2);
  });

  it('refuses a file that is not UTF-8 (exit 1 with the code), and usage errors (exit 2)', async () => {
    const latin1 = join(dir, 'latin1.csv');
    await writeFile(
      latin1,
      Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0x6a, 0xe9, 0x40, 0x78, 0x2e, 0x69, 0x6f, 0x0a]),
    );
    const refused = await cli.cli(['import', latin1, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^not_utf8: /m);
    expect(refused.stderr).not.toMatch(/^\s+at /m);

    expect((await cli.cli(['import'])).code).toBe(2);
    expect((await cli.cli(['import', join(dir, 'missing.csv'), '--yes'])).code).toBe(2);
    const path = await csvFile('one.csv', 'email\ncli-one@import.test\n');
    expect((await cli.cli(['import', path])).code).toBe(2);
    expect(await db().select().from(users).where(eq(users.email, 'cli-one@import.test'))).toEqual([]);
  });
});
