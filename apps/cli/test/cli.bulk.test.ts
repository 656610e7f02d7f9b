import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { auditEvents, bulkOperations, emailOutbox, invitations, moduleAccess, users } from '@roster/db';
import { BLOCKED_REASONS, OPERATION_KINDS, operationAuditAction, SKIP_REASONS } from '@roster/domain';
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appliedJson, dryRunJson, errorJson } from './cliJson';
import {
  type CliServer,
  type InsertedUser,
  insertUsers,
  roleNamesByEmail,
  startCliServer,
  statusesByEmail,
} from './cliServer';
import { type CliRun, jsonOf, successJson } from './runCli';

let cli: CliServer;
beforeAll(async () => {
  cli = await startCliServer();
});
afterAll(() => cli.server.close());
beforeEach(() => cli.reset());

const db = () => cli.server.testDb.db;
const ids = (list: readonly InsertedUser[]) => list.map((u) => u.id).join(',');

const applied = (run: CliRun) => appliedJson.parse(successJson(run));

const statusesOf = (list: readonly InsertedUser[]) => statusesByEmail(cli, list);
const roleNamesOf = (list: readonly InsertedUser[]) => roleNamesByEmail(cli, list);

/** Everything a bulk operation writes, to check that a run wrote nothing. */
async function footprint() {
  return {
    users: await db()
      .select({ id: users.id, status: users.status, roleId: users.roleId, version: users.version })
      .from(users)
      .orderBy(asc(users.id)),
    operations: await db().$count(bulkOperations),
    audit: await db().$count(
      auditEvents,
      inArray(auditEvents.action, OPERATION_KINDS.map(operationAuditAction)),
    ),
    invitations: await db().$count(invitations),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('roster bulk --dry-run', () => {
  it('prints the preview grouped by outcome and reason, in the domain’s sentences, and changes nothing', async () => {
    const list = await insertUsers(cli, [
      { email: 'a.active@roster.test' },
      { email: 'b.active@roster.test' },
      { email: 'c.gone@roster.test', status: 'deactivated' },
    ]);
    const selection = `${ids(list)},${cli.adminId}`;
    const before = await footprint();

    const json = await cli.cli(['bulk', 'deactivate', '--ids', selection, '--dry-run', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const dryRun = dryRunJson.parse(jsonOf(json));
    expect(dryRun.preview).toMatchObject({
      total: 4,
      counts: { change: 2, skip: 1, blocked: 1 },
      reasons: { already_deactivated: 1, self: 1 },
    });
    expect(dryRun.selection).toEqual({ ids: selection.split(',') });

    const text = await cli.cli(['bulk', 'deactivate', '--ids', selection, '--dry-run']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Deactivate — preview of 4 users:');
    expect(text.stdout).toMatch(/^\s+2 will change$/m);
    expect(text.stdout).toMatch(/^\s+e\.g\. a\.active@roster\.test, b\.active@roster\.test$/m);
    expect(text.stdout).toMatch(
      new RegExp(
        `^\\s+1 skipped\\n\\s+1  ${escapeRegExp(SKIP_REASONS.already_deactivated)} \\[already_deactivated\\]$`,
        'm',
      ),
    );
    expect(text.stdout).toMatch(
      new RegExp(`^\\s+1 blocked\\n\\s+1  ${escapeRegExp(BLOCKED_REASONS.self)} \\[self\\]$`, 'm'),
    );
    expect(text.stderr).toContain('Dry run: nothing was applied.');

    expect(await footprint()).toEqual(before);
  });

  it('previews a filter selection with the number of users it matches now', async () => {
    await insertUsers(cli, [
      { email: 'i1@roster.test', status: 'invited', role: 'Reader' },
      { email: 'i2@roster.test', status: 'invited', role: 'Buyer' },
      { email: 'i3@roster.test', status: 'invited', role: 'Reader' },
    ]);
    const before = await footprint();
    const run = await cli.cli([
      'bulk',
      'cancel-invitation',
      '--filter',
      'status=invited,role=Reader',
      '--dry-run',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const dryRun = dryRunJson.parse(jsonOf(run));
    expect(dryRun.selection).toEqual({
      filter: { status: ['invited'], roleIds: [await cli.roleId('Reader')] },
      expectedCount: 2,
    });
    expect(dryRun.preview.counts).toEqual({ change: 2, skip: 0, blocked: 0 });
    expect(await footprint()).toEqual(before);
  });
});

describe('roster bulk <operation> --yes applies each of the seven operations', () => {
  it('assign-role: gives the role by name; users who have it are skipped', async () => {
    const list = await insertUsers(cli, [
      { email: 'r1@roster.test', role: 'Reader' },
      { email: 'r2@roster.test', role: 'Contributor' },
      { email: 'r3@roster.test', role: 'Buyer' },
    ]);
    const { operation, preview } = applied(
      await cli.cli(['bulk', 'assign-role', '--role', 'buyer', '--ids', ids(list), '--yes', '--json']),
    );
    expect(preview.counts).toEqual({ change: 2, skip: 1, blocked: 0 });
    expect(operation).toMatchObject({
      kind: 'assign_role',
      status: 'completed_with_skips',
      total: 3,
      processed: 3,
      counts: { change: 2, skip: 1, blocked: 0, failed: 0 },
    });
    expect(await roleNamesOf(list)).toEqual({
      'r1@roster.test': 'Buyer',
      'r2@roster.test': 'Buyer',
      'r3@roster.test': 'Buyer',
    });
  });

  it('assign-role Administrator: --yes confirms the privileged change; without a terminal nothing is applied', async () => {
    const list = await insertUsers(cli, [{ email: 'soon.admin@roster.test', role: 'Reader' }]);
    const before = await footprint();
    const refused = await cli.cli(['bulk', 'assign-role', '--role', 'Administrator', '--ids', ids(list)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'Nothing was applied: there is no terminal to confirm on. Pass --yes to apply.',
    );
    expect(await footprint()).toEqual(before);

    const { operation } = applied(
      await cli.cli([
        'bulk',
        'assign-role',
        '--role',
        'Administrator',
        '--ids',
        ids(list),
        '--yes',
        '--json',
      ]),
    );
    expect(operation).toMatchObject({ status: 'succeeded', counts: { change: 1 } });
    expect(await roleNamesOf(list)).toEqual({ 'soon.admin@roster.test': 'Administrator' });
  });

  it('assign-role Reader to an administrator: the preview says the role is lost, --yes confirms it', async () => {
    const list = await insertUsers(cli, [{ email: 'soon.former.admin@roster.test', role: 'Administrator' }]);
    const dry = await cli.cli(['bulk', 'assign-role', '--role', 'Reader', '--ids', ids(list), '--dry-run']);
    expect(dry.stdout).toContain('1 administrator will lose the Administrator role.');
    const { operation } = applied(
      await cli.cli(['bulk', 'assign-role', '--role', 'Reader', '--ids', ids(list), '--yes', '--json']),
    );
    expect(operation).toMatchObject({ status: 'succeeded', counts: { change: 1 } });
    expect(await roleNamesOf(list)).toEqual({ 'soon.former.admin@roster.test': 'Reader' });
  });

  it('copy-access: copies the source’s module access (replace, then merge)', async () => {
    const [source, replaced, merged] = await insertUsers(cli, [
      { email: 'source@roster.test', modules: { budget: 'edit', projects: 'read' } },
      { email: 'replaced@roster.test', modules: { reporting: 'edit' } },
      { email: 'merged@roster.test', modules: { reporting: 'edit', projects: 'edit' } },
    ]);
    if (!source || !replaced || !merged) throw new Error('users missing');
    const accessOf = async (user: InsertedUser) =>
      Object.fromEntries(
        (await db().select().from(moduleAccess).where(eq(moduleAccess.userId, user.id))).map((row) => [
          row.module,
          row.level,
        ]),
      );

    const replace = applied(
      await cli.cli([
        'bulk',
        'copy-access',
        '--source',
        'SOURCE@roster.test',
        '--ids',
        replaced.id,
        '--yes',
        '--json',
      ]),
    );
    expect(replace.operation).toMatchObject({
      kind: 'copy_access',
      status: 'succeeded',
      counts: { change: 1 },
    });
    expect(await accessOf(replaced)).toEqual({ budget: 'edit', projects: 'read' });

    const merge = applied(
      await cli.cli([
        'bulk',
        'copy-access',
        '--source',
        source.email,
        '--mode',
        'merge',
        '--ids',
        `${merged.id},${source.id}`,
        '--yes',
        '--json',
      ]),
    );
    expect(merge.preview.reasons).toEqual({ is_source: 1 });
    expect(await accessOf(merged)).toEqual({ budget: 'edit', projects: 'edit', reporting: 'edit' });
    expect(await accessOf(source)).toEqual({ budget: 'edit', projects: 'read' });
  });

  it('copy-access: the source is the user with exactly that e-mail, however many others hold it in theirs', async () => {
    // 60 e-mails that contain the source's: a search for it answers a page of 50 without it.
    const [source, target] = await insertUsers(cli, [
      { email: 'li@shadow.test', modules: { budget: 'edit' } },
      { email: 'copy.target@shadow.test' },
      ...Array.from({ length: 60 }, (_, i) => ({ email: `a${String(i).padStart(2, '0')}li@shadow.test` })),
    ]);
    if (!source || !target) throw new Error('users missing');
    const { operation } = applied(
      await cli.cli([
        'bulk',
        'copy-access',
        '--source',
        'li@shadow.test',
        '--ids',
        target.id,
        '--yes',
        '--json',
      ]),
    );
    expect(operation).toMatchObject({ kind: 'copy_access', status: 'succeeded', counts: { change: 1 } });
    const copied = await db().select().from(moduleAccess).where(eq(moduleAccess.userId, target.id));
    expect(copied.map((row) => [row.module, row.level])).toEqual([['budget', 'edit']]);
    // Two addresses are not a source, whichever of them exists.
    const two = await cli.cli([
      'bulk',
      'copy-access',
      '--source',
      'li@shadow.test,a00li@shadow.test',
      '--ids',
      target.id,
      '--yes',
    ]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--source is one e-mail address');
  });

  it('invite: created users become invited, with a pending invitation carrying the message and an e-mail', async () => {
    const list = await insertUsers(cli, [
      { email: 'new1@roster.test', status: 'created' },
      { email: 'new2@roster.test', status: 'created' },
      { email: 'already@roster.test', status: 'active' },
    ]);
    const { operation } = applied(
      await cli.cli(['bulk', 'invite', '--ids', ids(list), '--message', 'Welcome aboard', '--yes', '--json']),
    );
    expect(operation.counts).toEqual({ change: 2, skip: 1, blocked: 0, failed: 0 });
    expect(await statusesOf(list)).toEqual({
      'already@roster.test': 'active',
      'new1@roster.test': 'invited',
      'new2@roster.test': 'invited',
    });
    const pending = await db()
      .select({ userId: invitations.userId, message: invitations.message })
      .from(invitations)
      .where(eq(invitations.status, 'pending'));
    expect(pending.map((p) => p.message)).toEqual(['Welcome aboard', 'Welcome aboard']);
    expect(await db().$count(emailOutbox, eq(emailOutbox.operationId, operation.id))).toBe(2);
  });

  it('resend-invitation: a new pending invitation replaces the old one', async () => {
    const list = await insertUsers(cli, [
      { email: 'waiting@roster.test', status: 'invited' },
      { email: 'fresh@roster.test', status: 'invited', invitationSentAt: new Date() },
    ]);
    const { operation } = applied(
      await cli.cli(['bulk', 'resend-invitation', '--ids', ids(list), '--yes', '--json']),
    );
    expect(operation.counts).toMatchObject({ change: 1, skip: 1 });
    const [waiting] = list;
    const rows = await db()
      .select({ status: invitations.status, sentCount: invitations.sentCount })
      .from(invitations)
      .where(eq(invitations.userId, waiting?.id ?? ''))
      .orderBy(asc(invitations.sentCount));
    expect(rows).toEqual([
      { status: 'superseded', sentCount: 1 },
      { status: 'pending', sentCount: 2 },
    ]);
  });

  it('cancel-invitation: invited users return to created and their invitation is cancelled (ids on stdin)', async () => {
    const list = await insertUsers(cli, [{ email: 'cancel.me@roster.test', status: 'invited' }]);
    const { operation } = applied(
      await cli.cli(
        ['bulk', 'cancel-invitation', '--ids-file', '-', '--yes', '--json'],
        {},
        `${ids(list)}\n`,
      ),
    );
    expect(operation).toMatchObject({ status: 'succeeded', counts: { change: 1 } });
    expect(await statusesOf(list)).toEqual({ 'cancel.me@roster.test': 'created' });
    const [row] = await db().select({ status: invitations.status }).from(invitations);
    expect(row?.status).toBe('cancelled');
  });

  it('deactivate: by filter; the users the filter does not match are untouched', async () => {
    const list = await insertUsers(cli, [
      { email: 'd1@roster.test', status: 'invited', role: 'Reader' },
      { email: 'd2@roster.test', status: 'invited', role: 'Reader' },
      { email: 'keep.buyer@roster.test', status: 'invited', role: 'Buyer' },
      { email: 'keep.active@roster.test', status: 'active', role: 'Reader' },
    ]);
    const { operation } = applied(
      await cli.cli(['bulk', 'deactivate', '--filter', 'status=invited,role=Reader', '--yes', '--json']),
    );
    expect(operation).toMatchObject({ kind: 'deactivate', status: 'succeeded', total: 2 });
    expect(await statusesOf(list)).toEqual({
      'd1@roster.test': 'deactivated',
      'd2@roster.test': 'deactivated',
      'keep.active@roster.test': 'active',
      'keep.buyer@roster.test': 'invited',
    });
  });

  it('deactivate: by filter except some ids (--except-ids); those users are untouched', async () => {
    const list = await insertUsers(cli, [
      { email: 'x1@roster.test', status: 'created', role: 'Buyer' },
      { email: 'x2@roster.test', status: 'created', role: 'Buyer' },
      { email: 'x3.kept@roster.test', status: 'created', role: 'Buyer' },
    ]);
    const kept = list.find((u) => u.email === 'x3.kept@roster.test')?.id ?? '';
    const { operation } = applied(
      await cli.cli([
        'bulk',
        'deactivate',
        '--filter',
        'status=created,role=Buyer',
        '--except-ids',
        kept,
        '--yes',
        '--json',
      ]),
    );
    expect(operation).toMatchObject({ kind: 'deactivate', status: 'succeeded', total: 2 });
    expect(await statusesOf(list)).toEqual({
      'x1@roster.test': 'deactivated',
      'x2@roster.test': 'deactivated',
      'x3.kept@roster.test': 'created',
    });
    const refused = await cli.cli(['bulk', 'deactivate', '--ids', kept, '--except-ids', kept, '--yes']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--except-ids leaves users out of a --filter selection');
  });

  it('revert and retry: the deactivation undone as a new operation; nothing failed, nothing to retry', async () => {
    const list = await insertUsers(cli, [
      { email: 'r1@roster.test', status: 'active', role: 'Reader' },
      { email: 'r2@roster.test', status: 'invited', role: 'Reader' },
    ]);
    const { operation } = applied(
      await cli.cli(['bulk', 'deactivate', '--ids', ids(list), '--yes', '--json']),
    );
    const reverted = await cli.cli(['bulk', 'revert', operation.id, '--yes', '--json']);
    expect(reverted.code, reverted.stderr).toBe(0);
    expect(jsonOf(reverted)).toMatchObject({ kind: 'revert', status: 'succeeded', total: 2 });
    expect(await statusesOf(list)).toEqual({ 'r1@roster.test': 'active', 'r2@roster.test': 'invited' });
    const retried = await cli.cli(['bulk', 'retry', operation.id, '--yes']);
    expect(retried.code).toBe(1);
    expect(retried.stderr).toContain('nothing_to_retry: No user of this operation is left to retry');
    const unconfirmed = await cli.cli(['bulk', 'revert', operation.id]);
    expect(unconfirmed.code).toBe(2);
  });

  it('reactivate: users who had accepted become active again, the others created (ids from a file)', async () => {
    const list = await insertUsers(cli, [
      { email: 'was.active@roster.test', status: 'deactivated', activated: true },
      { email: 'never.accepted@roster.test', status: 'deactivated', activated: false },
    ]);
    const file = await writeIdsFile(list.map((u) => u.id));
    // As `pnpm roster` runs it: a relative path is the caller's, not apps/cli's.
    const { operation } = applied(
      await cli.cli(['bulk', 'reactivate', '--ids-file', basename(file), '--yes', '--json'], {
        npm_lifecycle_event: 'roster',
        INIT_CWD: dirname(file),
      }),
    );
    expect(operation).toMatchObject({ status: 'succeeded', counts: { change: 2 } });
    expect(await statusesOf(list)).toEqual({
      'never.accepted@roster.test': 'created',
      'was.active@roster.test': 'active',
    });
  });
});

/** A file of ids as people keep them: one per line, with a comment. */
async function writeIdsFile(list: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'roster-cli-'));
  const file = join(dir, 'ids.txt');
  await writeFile(file, `# users to reactivate\n${list.join('\n')}\n`);
  return file;
}

describe('following a large operation', () => {
  it('prints progress lines when not on a terminal, until the background worker has finished', async () => {
    const many = await insertUsers(
      cli,
      Array.from({ length: 1_500 }, (_, i) => ({
        email: `bulk${String(i).padStart(4, '0')}@roster.test`,
        status: 'deactivated' as const,
        activated: true,
      })),
    );
    const run = await cli.cli(['bulk', 'reactivate', '--filter', 'status=deactivated', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    // More than 1,000 users: the request only queues it and the worker runs it (SPEC §2).
    expect(run.stderr).toMatch(/^Reactivate: 0 of 1,500 users processed \(0%\)/m);
    expect(run.stderr).toMatch(/^Reactivate: 1,500 of 1,500 users processed \(100%\): 1,500 changed/m);
    expect(run.stdout).toMatch(/^Reactivate — Succeeded \(operation [0-9a-f-]{36}\)$/m);
    expect(run.stdout).toMatch(
      /^\s+1,500 of 1,500 users processed: 1,500 changed, 0 skipped, 0 blocked, 0 failed$/m,
    );
    expect(new Set(Object.values(await statusesOf(many)))).toEqual(new Set(['active']));
  });
});

describe('refusals and usage errors', () => {
  it('an unknown role is refused with its code (exit 1) and nothing is recorded', async () => {
    const list = await insertUsers(cli, [{ email: 'x@roster.test' }]);
    const before = await footprint();
    const run = await cli.cli(['bulk', 'assign-role', '--role', 'Astronaut', '--ids', ids(list), '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^unknown_role: No role is named “Astronaut”/m);
    expect(await footprint()).toEqual(before);
  });

  it('the API’s own refusal is printed as code: sentence (exit 1), in JSON too', async () => {
    const list = await insertUsers(cli, [{ email: 'y@roster.test' }]);
    const before = await footprint();
    const missing = '00000000-0000-4000-8000-000000000000';
    const run = await cli.cli(['bulk', 'deactivate', '--ids', `${ids(list)},${missing}`, '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('user_not_found: Some selected users do not exist.');

    const json = await cli.cli(['bulk', 'deactivate', '--ids', missing, '--yes', '--json']);
    expect(json.code).toBe(1);
    expect(errorJson.parse(jsonOf(json))).toEqual({
      error: { code: 'user_not_found', message: 'Some selected users do not exist.' },
    });

    const source = await cli.cli([
      'bulk',
      'copy-access',
      '--source',
      'nobody@roster.test',
      '--ids',
      ids(list),
      '--yes',
    ]);
    expect(source.code).toBe(1);
    expect(source.stderr).toMatch(/^unknown_source_user: /m);
    expect(await footprint()).toEqual(before);
  });

  it('deactivating yourself is not an error: the operation is done and your account is blocked with its reason', async () => {
    const run = await cli.cli(['bulk', 'deactivate', '--ids', cli.adminId, '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`1  ${BLOCKED_REASONS.self} [self]`);
    expect(run.stdout).toMatch(/^Deactivate — Completed with skips/m);
    const [admin] = await db().select({ status: users.status }).from(users).where(eq(users.id, cli.adminId));
    expect(admin?.status).toBe('active');
  });

  it('usage errors exit 2 and change nothing', async () => {
    const list = await insertUsers(cli, [{ email: 'z@roster.test' }]);
    const before = await footprint();
    const runs = await Promise.all([
      cli.cli(['bulk', 'deactivate', '--yes']),
      cli.cli(['bulk', 'deactivate', '--ids', ids(list), '--filter', 'status=active', '--yes']),
      cli.cli(['bulk', 'deactivate', '--ids', 'not-a-user-id', '--yes']),
      cli.cli(['bulk', 'deactivate', '--filter', 'colour=blue', '--yes']),
      cli.cli(['bulk', 'assign-role', '--ids', ids(list), '--yes']),
      cli.cli([
        'bulk',
        'copy-access',
        '--source',
        'a@b.c',
        '--mode',
        'sideways',
        '--ids',
        ids(list),
        '--yes',
      ]),
      cli.cli(['bulk', 'explode', '--ids', ids(list)]),
    ]);
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(runs[0]?.stderr).toContain('Name the users with exactly one of --ids, --ids-file or --filter.');
    expect(runs[2]?.stderr).toContain('this is not a user id: not-a-user-id');
    expect(runs[3]?.stderr).toContain('--filter has no key “colour”');
    expect(runs[4]?.stderr).toContain("required option '--role <name>' not specified");
    expect(await footprint()).toEqual(before);
  });

  it('a selection that is wrong is a usage error before the server is asked anything (no server here)', async () => {
    const nowhere = { ROSTER_URL: 'http://127.0.0.1:9' };
    const runs = await Promise.all([
      cli.cli(['bulk', 'assign-role', '--role', 'Reader', '--ids', 'not-a-user-id', '--yes'], nowhere),
      cli.cli(['bulk', 'assign-role', '--role', 'Reader', '--yes'], nowhere),
      cli.cli(
        ['bulk', 'copy-access', '--source', 'a@b.test', '--ids-file', '/nonexistent/ids', '--yes'],
        nowhere,
      ),
    ]);
    expect(runs.map((run) => [run.code, run.stderr.startsWith('unreachable')])).toEqual([
      [2, false],
      [2, false],
      [2, false],
    ]);
  });
});
