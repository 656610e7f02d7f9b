import { randomBytes, randomUUID } from 'node:crypto';
import {
  bulkOperationItems,
  bulkOperations,
  functionalMemberships,
  functionalResources,
  invitations,
  moduleAccess,
  orgUnits,
  roles,
  userRights,
  userScopes,
  users,
} from '@roster/db';
import { type GrantedAccessLevel, MODULES, type Module, type Right, type UserStatus } from '@roster/domain';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN, type TestServer } from '../../src/testing';
import { screenshot } from './browser';
import { useAdminPage } from './fixture';
import {
  applyAndWait,
  chooseOperation,
  closeSheet,
  groupCounts,
  readPreview,
  resultsByUser,
  selectGroup,
  selectOne,
  waitForResults,
} from './massOperation';

let server: TestServer;
let page: Page;
let adminId: string;
const roleIds = new Map<string, string>();
let unitA: string;
let unitB: string;

const DAY = 86_400_000;

type Fixture = {
  status: UserStatus;
  role?: string;
  /** Has accepted an invitation once (reactivation returns the user to `active`). */
  activated?: boolean;
  /** For invited users: how long ago the pending invitation was last sent. */
  invitedAgoMs?: number;
  modules?: Partial<Record<Module, GrantedAccessLevel>>;
  scope?: string[];
  rights?: Right[];
};

/**
 * Users of one test, each in a known state, whose e-mails share `<tag>-` so that a search shows
 * exactly them (and the admin selects them as a person would). Returns their ids by name.
 */
async function createUsers(tag: string, fixtures: Record<string, Fixture>): Promise<Record<string, string>> {
  const db = server.testDb.db;
  const ids: Record<string, string> = {};
  for (const [name, f] of Object.entries(fixtures)) {
    const [user] = await db
      .insert(users)
      .values({
        email: `${tag}-${name}@fixture.example`,
        firstName: 'Fixture',
        lastName: `${tag} ${name}`,
        status: f.status,
        roleId: roleId(f.role ?? 'Reader'),
        activatedAt: f.activated || f.status === 'active' ? new Date(Date.now() - 30 * DAY) : null,
      })
      .returning({ id: users.id });
    if (!user) throw new Error('insert failed');
    ids[name] = user.id;
    if (f.status === 'invited') {
      const sent = new Date(Date.now() - (f.invitedAgoMs ?? 2 * DAY));
      await db.insert(invitations).values({
        userId: user.id,
        tokenHash: randomBytes(32).toString('hex'),
        expiresAt: new Date(sent.getTime() + 7 * DAY),
        lastSentAt: sent,
        invitedBy: adminId,
      });
    }
    const modules = Object.entries(f.modules ?? {}).flatMap(([module, level]) =>
      level ? [{ userId: user.id, module: moduleOf(module), level }] : [],
    );
    if (modules.length) await db.insert(moduleAccess).values(modules);
    if (f.scope?.length)
      await db.insert(userScopes).values(f.scope.map((orgUnitId) => ({ userId: user.id, orgUnitId })));
    if (f.rights?.length)
      await db.insert(userRights).values(f.rights.map((right) => ({ userId: user.id, right })));
  }
  return ids;
}

function moduleOf(name: string): Module {
  const module = MODULES.find((m) => m === name);
  if (!module) throw new Error(`unknown module ${name}`);
  return module;
}

function roleId(name: string): string {
  const id = roleIds.get(name);
  if (!id) throw new Error(`no role ${name}`);
  return id;
}

async function stateOf(ids: string[]) {
  const rows = await server.testDb.db
    .select({ id: users.id, status: users.status, roleId: users.roleId })
    .from(users)
    .where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

async function pendingInvitations(ids: string[]) {
  return server.testDb.db
    .select()
    .from(invitations)
    .where(and(inArray(invitations.userId, ids), eq(invitations.status, 'pending')));
}

async function accessOf(userId: string) {
  const db = server.testDb.db;
  const [modules, scope, rights] = await Promise.all([
    db.select().from(moduleAccess).where(eq(moduleAccess.userId, userId)),
    db.select().from(userScopes).where(eq(userScopes.userId, userId)),
    db.select().from(userRights).where(eq(userRights.userId, userId)),
  ]);
  return {
    modules: Object.fromEntries(modules.map((m) => [m.module, m.level])),
    scope: scope.map((s) => s.orgUnitId).sort(),
    rights: rights.map((r) => r.right).sort(),
  };
}

async function prepare({ testDb: { db } }: TestServer) {
  for (const role of await db.select({ id: roles.id, name: roles.name }).from(roles))
    roleIds.set(role.name, role.id);
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.email, TEST_ADMIN.email));
  if (!admin) throw new Error('no admin');
  adminId = admin.id;
  const departments = await db
    .select({ id: orgUnits.id })
    .from(orgUnits)
    .where(eq(orgUnits.kind, 'department'))
    .limit(2);
  unitA = departments[0]?.id ?? '';
  unitB = departments[1]?.id ?? '';
}

useAdminPage({ seedUsers: 1_200, prepare }, (opened) => ({ server, page } = opened));

describe('Admin › Users › Mass operation', () => {
  it('Assign role: previews changes and skips in the browser, then assigns the role', async () => {
    const ids = await createUsers('op-assign', {
      active: { status: 'active' },
      invited: { status: 'invited' },
      created: { status: 'created' },
      already: { status: 'active', role: 'Project manager' },
    });
    await selectGroup(page, 'op-assign', 4);
    await chooseOperation(page, 'Assign role', 'bulk-menu');
    await screenshot(page, 'bulk-assign-role-empty');
    await page.getByRole('button', { name: 'Role to assign' }).click();
    await page.getByRole('combobox', { name: 'Search roles' }).fill('project');
    await page.getByRole('option', { name: /Project manager/ }).click();

    const preview = await readPreview(page);
    expect(preview).toEqual({
      decidedBy: 'browser',
      counts: { change: 3, skip: 1, blocked: 0 },
      groups: { change: 3, 'skip:already_has_role': 1 },
    });
    const group = page.locator('[data-testid="preview-group"][data-group="change"]');
    await group.getByText('Reader').first().waitFor();
    await group.getByText('Project manager').first().waitFor();
    await screenshot(page, 'bulk-assign-role-preview');

    await applyAndWait(page);
    const results = await resultsByUser(page);
    expect(groupCounts(results)).toEqual(preview.groups);
    expect(results[ids.already ?? '']).toBe('skip:already_has_role');
    // Skips alone: "Completed with skips" reads as a success.
    const assignStatus = page.getByTestId('operation-view').getByTestId('operation-status');
    await expect(assignStatus.getAttribute('data-tone')).resolves.toBe('success');
    await screenshot(page, 'bulk-assign-role-results');

    const after = await stateOf(Object.values(ids));
    for (const id of Object.values(ids)) expect(after.get(id)?.roleId).toBe(roleId('Project manager'));
    expect(after.get(ids.invited ?? '')?.status).toBe('invited');
    await closeSheet(page);
  });

  it('Assign role Administrator: Apply waits for the typed number of new administrators', async () => {
    const ids = await createUsers('op-admin', {
      first: { status: 'active' },
      second: { status: 'active', role: 'Buyer' },
      already: { status: 'active', role: 'Administrator' },
    });
    await selectGroup(page, 'op-admin', 3);
    await chooseOperation(page, 'Assign role');
    await page.getByRole('button', { name: 'Role to assign' }).click();
    await page.getByRole('combobox', { name: 'Search roles' }).fill('admin');
    await page.getByRole('combobox', { name: 'Search roles' }).press('Enter');

    const preview = await readPreview(page);
    expect(preview.counts).toEqual({ change: 2, skip: 1, blocked: 0 });
    const apply = page.getByRole('button', { name: 'Apply', exact: true });
    const confirmation = page.getByLabel('Number of users who will become administrators');
    await page.getByText('2 users will become administrators').waitFor();
    await expect(apply.isDisabled()).resolves.toBe(true);
    await confirmation.fill('3');
    await expect(apply.isDisabled()).resolves.toBe(true);
    await confirmation.fill('2');
    await expect(apply.isEnabled()).resolves.toBe(true);
    await screenshot(page, 'bulk-assign-admin-confirm');

    await applyAndWait(page);
    expect(groupCounts(await resultsByUser(page))).toEqual(preview.groups);
    const after = await stateOf(Object.values(ids));
    for (const id of Object.values(ids)) expect(after.get(id)?.roleId).toBe(roleId('Administrator'));
    await closeSheet(page);
  });

  it('Assign role Contributor to administrators: Apply waits for the typed number of demoted administrators', async () => {
    const ids = await createUsers('op-demadm', {
      boss: { status: 'active', role: 'Administrator' },
      deputy: { status: 'active', role: 'Administrator' },
      gone: { status: 'deactivated', role: 'Administrator', activated: true },
      reader: { status: 'active' },
      buyer: { status: 'invited', role: 'Buyer' },
    });
    await selectGroup(page, 'op-demadm', 5);
    await chooseOperation(page, 'Assign role');
    await page.getByRole('button', { name: 'Role to assign' }).click();
    await page.getByRole('combobox', { name: 'Search roles' }).fill('contributor');
    await page.getByRole('option', { name: /Contributor/ }).click();

    const preview = await readPreview(page);
    expect(preview).toEqual({
      decidedBy: 'browser',
      counts: { change: 5, skip: 0, blocked: 0 },
      groups: { change: 5 },
    });
    // Losing the role is shown and confirmed like gaining it: by typing how many lose it.
    await page.getByText('3 administrators will lose the Administrator role').waitFor();
    const changes = page.getByRole('list', { name: 'Role changes' }).getByRole('listitem');
    expect(await changes.allTextContents()).toEqual([
      'Administrator → Contributor: 3 users',
      expect.stringMatching(/^(Reader|Buyer) → Contributor: 1 user$/),
      expect.stringMatching(/^(Reader|Buyer) → Contributor: 1 user$/),
    ]);
    const apply = page.getByRole('button', { name: 'Apply', exact: true });
    const confirmation = page.getByLabel('Number of administrators who will lose the role');
    await expect(apply.isDisabled()).resolves.toBe(true);
    await confirmation.fill('5');
    await expect(apply.isDisabled()).resolves.toBe(true);
    await confirmation.fill('3');
    await expect(apply.isEnabled()).resolves.toBe(true);
    await screenshot(page, 'bulk-demote-admins-confirm');

    await applyAndWait(page);
    expect(groupCounts(await resultsByUser(page))).toEqual(preview.groups);
    const after = await stateOf(Object.values(ids));
    for (const id of Object.values(ids)) expect(after.get(id)?.roleId).toBe(roleId('Contributor'));
    await closeSheet(page);
  });

  it('Copy access and authorizations: shows each user’s diff, then copies (memberships untouched)', async () => {
    const sourceAccess = {
      modules: { portfolio: 'edit', budget: 'read' },
      scope: [unitA],
      rights: ['buyer', 'data_export'],
    } satisfies Pick<Fixture, 'modules' | 'scope' | 'rights'>;
    const ids = await createUsers('op-copy', {
      source: { status: 'active', ...sourceAccess },
      different: {
        status: 'active',
        modules: { projects: 'edit', budget: 'edit' },
        scope: [unitB],
        rights: [],
      },
      same: { status: 'invited', ...sourceAccess },
      empty: { status: 'created' },
    });
    const [resource] = await server.testDb.db
      .select({ id: functionalResources.id })
      .from(functionalResources)
      .limit(1);
    await server.testDb.db
      .insert(functionalMemberships)
      .values({ userId: ids.different ?? '', resourceId: resource?.id ?? '' });

    await selectGroup(page, 'op-copy', 4);
    await chooseOperation(page, 'Copy access and authorizations');
    await page.getByRole('button', { name: 'Copy from' }).click();
    await page.getByRole('combobox', { name: 'Search users by name or e-mail' }).fill('op-copy-source');
    await page.getByRole('option', { name: /op-copy-source@fixture\.example/ }).click();

    const preview = await readPreview(page);
    expect(preview).toEqual({
      decidedBy: 'browser',
      counts: { change: 2, skip: 2, blocked: 0 },
      groups: { change: 2, 'skip:is_source': 1, 'skip:same_access': 1 },
    });
    const diff = page.locator(
      `[data-testid="preview-group"][data-group="change"] [data-user-id="${ids.different}"]`,
    );
    await diff.getByText('Portfolio').waitFor();
    await diff.getByText('+ Buyer').waitFor();
    await screenshot(page, 'bulk-copy-access-preview');

    await applyAndWait(page);
    expect(groupCounts(await resultsByUser(page))).toEqual(preview.groups);
    const expected = {
      modules: sourceAccess.modules,
      scope: [unitA],
      rights: [...sourceAccess.rights].sort(),
    };
    await expect(accessOf(ids.different ?? '')).resolves.toEqual(expected);
    await expect(accessOf(ids.empty ?? '')).resolves.toEqual(expected);
    await expect(accessOf(ids.same ?? '')).resolves.toEqual(expected);
    const [memberships] = await server.testDb.db
      .select({ n: count() })
      .from(functionalMemberships)
      .where(eq(functionalMemberships.userId, ids.different ?? ''));
    expect(memberships?.n).toBe(1);
    await screenshot(page, 'bulk-copy-access-results');
    await closeSheet(page);
  });

  it('Invite: invites the users never invited and says why the others are skipped', async () => {
    const ids = await createUsers('op-invite', {
      new1: { status: 'created' },
      new2: { status: 'created' },
      invited: { status: 'invited' },
      active: { status: 'active' },
      gone: { status: 'deactivated', activated: true },
    });
    await selectGroup(page, 'op-invite', 5);
    await chooseOperation(page, 'Invite');
    await page.getByLabel('Message (optional)').fill('Welcome to the portfolio tool.');
    const preview = await readPreview(page);
    expect(preview).toEqual({
      decidedBy: 'browser',
      counts: { change: 2, skip: 3, blocked: 0 },
      groups: { change: 2, 'skip:already_invited': 1, 'skip:already_active': 1, 'skip:deactivated': 1 },
    });
    await page.getByText('Already invited: use “Resend invitation” instead.').waitFor();
    await screenshot(page, 'bulk-invite-preview');

    await applyAndWait(page);
    expect(groupCounts(await resultsByUser(page))).toEqual(preview.groups);
    const after = await stateOf(Object.values(ids));
    expect(after.get(ids.new1 ?? '')?.status).toBe('invited');
    expect(after.get(ids.new2 ?? '')?.status).toBe('invited');
    expect(after.get(ids.active ?? '')?.status).toBe('active');
    expect(after.get(ids.gone ?? '')?.status).toBe('deactivated');
    const pending = await pendingInvitations([ids.new1 ?? '', ids.new2 ?? '']);
    expect(pending).toHaveLength(2);
    for (const invitation of pending) expect(invitation.message).toBe('Welcome to the portfolio tool.');
    await closeSheet(page);
  });

  it('Resend invitation: renews pending invitations, but not one sent seconds ago', async () => {
    const ids = await createUsers('op-resend', {
      old1: { status: 'invited', invitedAgoMs: 3 * DAY },
      old2: { status: 'invited', invitedAgoMs: 8 * DAY },
      recent: { status: 'invited', invitedAgoMs: 5_000 },
      active: { status: 'active' },
    });
    const before = new Map((await pendingInvitations(Object.values(ids))).map((i) => [i.userId, i]));
    await selectGroup(page, 'op-resend', 4);
    await chooseOperation(page, 'Resend invitation');
    const preview = await readPreview(page);
    expect(preview).toEqual({
      decidedBy: 'browser',
      counts: { change: 2, skip: 2, blocked: 0 },
      groups: { change: 2, 'skip:resent_recently': 1, 'skip:not_invited': 1 },
    });
    await screenshot(page, 'bulk-resend-preview');

    await applyAndWait(page);
    expect(groupCounts(await resultsByUser(page))).toEqual(preview.groups);
    const after = new Map((await pendingInvitations(Object.values(ids))).map((i) => [i.userId, i]));
    for (const name of ['old1', 'old2']) {
      const id = ids[name] ?? '';
      expect(after.get(id)?.tokenHash).not.toBe(before.get(id)?.tokenHash);
      expect(after.get(id)?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * DAY);
    }
    expect(after.get(ids.recent ?? '')?.tokenHash).toBe(before.get(ids.recent ?? '')?.tokenHash);
    await closeSheet(page);
  });

  it('Cancel invitation: returns invited users to Created and voids their links', async () => {
    const ids = await createUsers('op-cancel', {
      invited1: { status: 'invited' },
      invited2: { status: 'invited' },
      created: { status: 'created' },
    });
    await selectGroup(page, 'op-cancel', 3);
    await chooseOperation(page, 'Cancel invitation');
    const preview = await readPreview(page);
    expect(preview).toEqual({
      decidedBy: 'browser',
      counts: { change: 2, skip: 1, blocked: 0 },
      groups: { change: 2, 'skip:not_invited': 1 },
    });
    await applyAndWait(page);
    expect(groupCounts(await resultsByUser(page))).toEqual(preview.groups);
    const after = await stateOf(Object.values(ids));
    for (const id of Object.values(ids)) expect(after.get(id)?.status).toBe('created');
    await expect(pendingInvitations(Object.values(ids))).resolves.toHaveLength(0);
    await closeSheet(page);
  });

  it('Deactivate: a selection across searches is previewed by the server; your own account is blocked', async () => {
    const ids = await createUsers('op-deact', {
      active1: { status: 'active' },
      active2: { status: 'active' },
      invited: { status: 'invited' },
      gone: { status: 'deactivated' },
    });
    await selectGroup(page, 'op-deact', 4);
    await selectOne(page, TEST_ADMIN.email, adminId);
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe('5 selected');
    await chooseOperation(page, 'Deactivate');
    const preview = await readPreview(page);
    expect(preview).toEqual({
      decidedBy: 'server',
      counts: { change: 3, skip: 1, blocked: 1 },
      groups: { change: 3, 'skip:already_deactivated': 1, 'blocked:self': 1 },
    });
    await page.getByText('You cannot do this to your own account.').waitFor();
    await screenshot(page, 'bulk-deactivate-preview');

    await applyAndWait(page);
    const results = await resultsByUser(page);
    expect(groupCounts(results)).toEqual(preview.groups);
    expect(results[adminId]).toBe('blocked:self');
    const after = await stateOf([...Object.values(ids), adminId]);
    for (const id of Object.values(ids)) expect(after.get(id)?.status).toBe('deactivated');
    expect(after.get(adminId)?.status).toBe('active');
    await expect(pendingInvitations([ids.invited ?? ''])).resolves.toHaveLength(0);
    // A user left blocked: "Completed with skips" is a warning, not a success.
    const deactivateStatus = page.getByTestId('operation-view').getByTestId('operation-status');
    await expect(deactivateStatus.getAttribute('data-status')).resolves.toBe('completed_with_skips');
    await expect(deactivateStatus.getAttribute('data-tone')).resolves.toBe('warning');
    await screenshot(page, 'bulk-deactivate-results');
    await closeSheet(page);
  });

  it('Reactivate: users who had accepted return to Active, the others to Created', async () => {
    const ids = await createUsers('op-react', {
      accepted: { status: 'deactivated', activated: true },
      never: { status: 'deactivated' },
      active: { status: 'active' },
    });
    await selectGroup(page, 'op-react', 3);
    await chooseOperation(page, 'Reactivate');
    const preview = await readPreview(page);
    expect(preview).toEqual({
      decidedBy: 'browser',
      counts: { change: 2, skip: 1, blocked: 0 },
      groups: { change: 2, 'skip:not_deactivated': 1 },
    });
    const change = page.locator('[data-testid="preview-group"][data-group="change"]');
    await change.locator(`[data-user-id="${ids.accepted}"]`).getByText('Active').waitFor();
    await change.locator(`[data-user-id="${ids.never}"]`).getByText('Created').waitFor();
    await screenshot(page, 'bulk-reactivate-preview');

    await applyAndWait(page);
    expect(groupCounts(await resultsByUser(page))).toEqual(preview.groups);
    const after = await stateOf(Object.values(ids));
    expect(after.get(ids.accepted ?? '')?.status).toBe('active');
    expect(after.get(ids.never ?? '')?.status).toBe('created');
    expect(after.get(ids.active ?? '')?.status).toBe('active');
    await closeSheet(page);
  });

  it('all users matching: the server previews, the progress survives a reload, the results match', async () => {
    const db = server.testDb.db;
    const byStatus = Object.fromEntries(
      (await db.select({ status: users.status, n: count() }).from(users).groupBy(users.status)).map((r) => [
        r.status,
        r.n,
      ]),
    );
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1_000); // more than an apply finishes inside its request
    await page.getByText(`${total.toLocaleString('en')} users`, { exact: true }).waitFor();
    await page.getByLabel('Select loaded users').click();
    // No filter narrows the users: "all N users", never "matching this filter".
    await page
      .getByRole('button', { name: `Select all ${total.toLocaleString('en')} users`, exact: true })
      .click();
    const words = page.getByTestId('selection-words');
    await expect
      .poll(() => words.textContent())
      .toBe(`All ${total.toLocaleString('en')} users are selected.`);
    await chooseOperation(page, 'Invite');
    await page
      .getByRole('dialog')
      .getByText(`All ${total.toLocaleString('en')} users`, { exact: true })
      .waitFor();
    const preview = await readPreview(page);
    const skipped = (byStatus.invited ?? 0) + (byStatus.active ?? 0) + (byStatus.deactivated ?? 0);
    expect(preview.decidedBy).toBe('server');
    expect(preview.counts).toEqual({ change: byStatus.created ?? 0, skip: skipped, blocked: 0 });
    expect(preview.groups).toEqual({
      change: byStatus.created,
      'skip:already_invited': byStatus.invited,
      'skip:already_active': byStatus.active,
      'skip:deactivated': byStatus.deactivated,
    });
    await screenshot(page, 'bulk-all-matching-preview');

    // While it runs the panel keeps the operation's name, even while bulk.get is slow to answer.
    const slowGet = /\/trpc\/[^?]*bulk\.get/;
    await page.route(slowGet, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await route.continue().catch(() => {});
    });
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.has('operation'));
    const id = new URL(page.url()).searchParams.get('operation') ?? '';
    await page
      .locator(`[data-testid="operation-view"][data-operation-id="${id}"]`)
      .waitFor({ timeout: 2_000 });
    await page
      .getByRole('dialog')
      .getByRole('heading', { name: 'Invite', exact: true })
      .waitFor({ timeout: 2_000 });
    await screenshot(page, 'bulk-all-matching-progress');
    await page.unroute(slowGet);
    await page.reload();
    await waitForResults(page, id);
    await screenshot(page, 'bulk-all-matching-results');

    const counts = await page
      .getByTestId('operation-results')
      .locator('[data-testid^="count-"]')
      .evaluateAll((els) =>
        Object.fromEntries(
          els.map((el) => [el.getAttribute('data-testid'), Number(el.getAttribute('data-count'))]),
        ),
      );
    expect(counts).toEqual({
      'count-change': preview.counts.change,
      'count-skip': preview.counts.skip,
      'count-blocked': 0,
      'count-failed': 0,
    });
    const [stillCreated] = await db.select({ n: count() }).from(users).where(eq(users.status, 'created'));
    expect(stillCreated?.n).toBe(0);

    // The outcome filter narrows the list; the CSV has one line per user.
    await page.getByTestId('count-skip').click();
    await expect
      .poll(async () => new Set(Object.values(await resultsByUser(page))).has('change'))
      .toBe(false);
    const csv = await page.evaluate(async (href) => {
      const response = await fetch(href);
      return { status: response.status, lines: (await response.text()).trimEnd().split('\r\n').length };
    }, `/api/bulk-operations/${id}/results.csv`);
    expect(csv).toEqual({ status: 200, lines: total + 1 });
    await expect(page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).resolves.toBe(
      `/api/bulk-operations/${id}/results.csv`,
    );
    await closeSheet(page);
  });
});

describe('Admin › Operations', () => {
  it('lists every operation with its parameters, counts and status, and opens its results', async () => {
    // An import as its commit leaves it: it counts rows, not all of them users.
    const importId = randomUUID();
    await server.testDb.db.insert(bulkOperations).values({
      id: importId,
      kind: 'import',
      params: { kind: 'import' },
      selection: { kind: 'import' },
      actorId: adminId,
      status: 'completed_with_skips',
      total: 7,
      processed: 7,
      changed: 2,
      skipped: 2,
      blocked: 3,
      createdAt: new Date(Date.now() - 86_400_000),
      startedAt: new Date(),
      finishedAt: new Date(),
    });
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Operations' }).click();
    const table = page.getByRole('table', { name: 'Operations' });
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(11);
    const first = table.locator('tbody tr').first();
    await first.getByText('Invite', { exact: true }).waitFor();
    const [everyone] = await server.testDb.db.select({ n: count() }).from(users);
    await expect(first.getByTestId('operation-total').textContent()).resolves.toBe(
      `${(everyone?.n ?? 0).toLocaleString('en')} users`,
    );
    const imported = table.locator(`tr[data-operation-id="${importId}"]`);
    await expect(imported.getByTestId('operation-total').textContent()).resolves.toBe('7 rows');
    await imported.getByText('3 not created').waitFor();
    await expect(imported.getByTestId('operation-status').getAttribute('data-tone')).resolves.toBe('warning');
    await table.getByText('Role to assign: Project manager').waitFor();
    await table.getByText('From op-copy-source@fixture.example · replace').waitFor();
    await table.getByText('Message: “Welcome to the portfolio tool.”').waitFor();
    await screenshot(page, 'operations-history');

    await table.getByRole('link', { name: 'Reactivate' }).click();
    await page.waitForURL(/\/admin\/operations\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Reactivate' }).waitFor();
    await page.getByTestId('result-row').first().waitFor();
    await expect(page.getByTestId('result-row').count()).resolves.toBe(3);
    await screenshot(page, 'operation-detail');
  });

  it('reverts an operation from its page: the users get back what they had', async () => {
    const emails = ['op-assign-active', 'op-assign-invited', 'op-assign-created', 'op-assign-already'].map(
      (name) => `${name}@fixture.example`,
    );
    const assigned = await server.testDb.db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.email, emails));
    const byEmail = new Map(assigned.map((u) => [u.email, u.id]));
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Operations' }).click();
    const table = page.getByRole('table', { name: 'Operations' });
    await table.getByText('Role to assign: Project manager').click();
    await page.waitForURL(/\/admin\/operations\/[0-9a-f-]{36}$/);
    const source = page.url().split('/').at(-1) ?? '';
    await page.getByRole('button', { name: 'Revert…' }).click();
    const dialog = page.getByRole('region', { name: 'Revert this operation' });
    await dialog.getByText('Reverting gives the 3 users it changed back what they had before').waitFor();
    // The preview: the created user was invited since (by "all users matching"), a newer change.
    const preview = dialog.getByTestId('revert-preview');
    await preview.getByText('users get back what they had').waitFor();
    expect(await preview.innerText()).toMatch(
      /2 users get back what they had\.\s+1 left as they are: Changed again since/,
    );
    await screenshot(page, 'operation-revert-confirm');
    await dialog.getByRole('button', { name: 'Revert', exact: true }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(source));
    await page.getByRole('heading', { name: 'Revert' }).waitFor();
    const id = page.url().split('/').at(-1) ?? '';
    await waitForResults(page, id);
    // The created user was invited since (by "all users matching"): a newer change, left as it is.
    const results = await resultsByUser(page);
    expect(groupCounts(results)).toEqual({ change: 2, 'blocked:changed_since': 1 });
    expect(results[byEmail.get(emails[2] ?? '') ?? '']).toBe('blocked:changed_since');
    await page.getByText('Changed again since this operation').waitFor();
    // The revert says which operation it reverts: its kind, when, and by whom.
    const reverted = page.getByTestId('followed-operation');
    await expect.poll(() => reverted.textContent()).toMatch(/^Assign role of .+ by /);
    await expect(reverted.getAttribute('href')).resolves.toBe(`/admin/operations/${source}`);
    await screenshot(page, 'operation-revert-results');
    const after = await stateOf([...byEmail.values()]);
    expect(after.get(byEmail.get(emails[0] ?? '') ?? '')?.roleId).toBe(roleId('Reader'));
    expect(after.get(byEmail.get(emails[2] ?? '') ?? '')?.roleId).toBe(roleId('Project manager'));
    expect(after.get(byEmail.get(emails[3] ?? '') ?? '')?.roleId).toBe(roleId('Project manager'));
  });

  it('retries the users an operation failed on', async () => {
    const ids = await createUsers('op-retry', { one: { status: 'active' }, two: { status: 'active' } });
    // An operation that stopped on an unexpected error before reaching these two users.
    const id = randomUUID();
    const db = server.testDb.db;
    await db.insert(bulkOperations).values({
      id,
      kind: 'deactivate',
      params: { kind: 'deactivate' },
      selection: { kind: 'ids', count: 2 },
      actorId: adminId,
      status: 'failed',
      error: 'connection reset',
      total: 2,
      processed: 2,
      failed: 2,
      startedAt: new Date(),
      finishedAt: new Date(),
    });
    await db.insert(bulkOperationItems).values(
      Object.values(ids).map((userId, i) => ({
        operationId: id,
        position: i + 1,
        userId,
        outcome: 'failed' as const,
        reason: 'unexpected_error',
        processedAt: new Date(),
      })),
    );
    await page.goto(`${server.url}/admin/operations/${id}`);
    await page.getByText('connection reset').waitFor();
    await page.getByRole('button', { name: 'Retry failed users…' }).click();
    await page
      .getByRole('region', { name: 'Retry the failed users' })
      .getByRole('button', { name: 'Retry', exact: true })
      .click();
    await page.waitForURL((url) => !url.pathname.endsWith(id));
    const retry = page.url().split('/').at(-1) ?? '';
    await waitForResults(page, retry);
    expect(groupCounts(await resultsByUser(page))).toEqual({ change: 2 });
    const retried = page.getByTestId('followed-operation');
    await expect.poll(() => retried.textContent()).toMatch(/^Deactivate of .+ by /);
    await screenshot(page, 'operation-retry-results');
    const after = await stateOf(Object.values(ids));
    for (const userId of Object.values(ids)) expect(after.get(userId)?.status).toBe('deactivated');
  });

  it('reverting a demotion right from the results asks for the typed number of new administrators', async () => {
    const ids = await createUsers('op-demote', {
      boss: { status: 'active', role: 'Administrator' },
      deputy: { status: 'active', role: 'Administrator' },
    });
    await page.goto(`${server.url}/admin/users`);
    await selectGroup(page, 'op-demote', 2);
    await chooseOperation(page, 'Assign role');
    await page.getByRole('button', { name: 'Role to assign' }).click();
    await page.getByRole('combobox', { name: 'Search roles' }).fill('reader');
    await page.getByRole('combobox', { name: 'Search roles' }).press('Enter');
    await page.getByText('2 administrators will lose the Administrator role').waitFor();
    await page.getByLabel('Number of administrators who will lose the role').fill('2');
    await applyAndWait(page);
    const opener = page.getByRole('dialog').getByRole('button', { name: 'Revert…' });
    await opener.click();
    const dialog = page.getByRole('region', { name: 'Revert this operation' });
    // Cancelled, the question gives the focus back to the button that asks it again (Enter reopens it).
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => opener.evaluate((el) => el.matches(':focus'))).toBe(true);
    await page.keyboard.press('Enter');
    // The preview counts the administrators who come back: the admin types that number.
    const typed = dialog.getByLabel('Number of users who will become administrators');
    await typed.waitFor();
    await dialog.getByText('2 users will become administrators').waitFor();
    // The question holds the keyboard's focus: its number is the next Tab, not the sheet's Close.
    await page.keyboard.press('Tab');
    await expect.poll(() => typed.evaluate((el) => el.matches(':focus'))).toBe(true);
    const confirm = dialog.getByRole('button', { name: 'Revert', exact: true });
    await typed.fill('1');
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await typed.fill('2');
    await screenshot(page, 'operation-revert-admin-confirm');
    await confirm.click();
    await page.waitForURL(/\/admin\/operations\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').at(-1) ?? '';
    await waitForResults(page, id);
    expect(groupCounts(await resultsByUser(page))).toEqual({ change: 2 });
    const after = await stateOf(Object.values(ids));
    for (const userId of Object.values(ids)) expect(after.get(userId)?.roleId).toBe(roleId('Administrator'));
  });

  it('follows a running operation with a progress bar, across a reload, until its results', async () => {
    // An operation as a worker leaves it mid-way (its lease held, so the runner leaves it alone).
    const db = server.testDb.db;
    const id = randomUUID();
    await db.insert(bulkOperations).values({
      id,
      kind: 'deactivate',
      params: { kind: 'deactivate' },
      selection: { kind: 'filter', filter: { status: ['active'] }, count: 4_000 },
      actorId: adminId,
      status: 'running',
      total: 4_000,
      processed: 1_500,
      changed: 1_350,
      skipped: 140,
      blocked: 10,
      startedAt: new Date(),
      leaseUntil: new Date(Date.now() + 10 * 60_000),
    });
    await page.goto(`${server.url}/admin/users?operation=${id}`);
    const bar = page.getByRole('progressbar', { name: 'Users processed' });
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('1500');
    await page.getByText('1,500 of 4,000 users · 37%').waitFor();
    await screenshot(page, 'bulk-progress');

    await db
      .update(bulkOperations)
      .set({ processed: 3_000, changed: 2_800 })
      .where(eq(bulkOperations.id, id));
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('3000');
    await page.reload();
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('3000');

    await db
      .update(bulkOperations)
      .set({ processed: 4_000, changed: 3_800, status: 'completed_with_skips', finishedAt: new Date() })
      .where(eq(bulkOperations.id, id));
    const view = page.locator(`[data-testid="operation-view"][data-operation-id="${id}"]`);
    await expect.poll(() => view.getAttribute('data-status')).toBe('completed_with_skips');
    await expect(view.getByTestId('operation-status').getAttribute('data-tone')).resolves.toBe('warning');
    await expect(view.getByTestId('count-change').getAttribute('data-count')).resolves.toBe('3800');
    await expect(bar.count()).resolves.toBe(0);
  });
});
