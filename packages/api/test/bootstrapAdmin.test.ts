import { auditEvents, roles, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ensureBootstrapAdmin } from '../src';
import { START, useHarness } from './harness';

const BOOT = { email: 'boot@roster.test', password: 'bootstrap password 2026' };

const t = useHarness();

const usersWithRoles = () =>
  t.db
    .select({ user: users, roleName: roles.name, roleIsAdmin: roles.isAdmin })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId));

describe('ensureBootstrapAdmin', () => {
  it('creates an active Administrator who can sign in with the configured password', async () => {
    await expect(ensureBootstrapAdmin(t.db, '  Boot@Roster.TEST ', BOOT.password, START)).resolves.toBe(true);

    const rows = await usersWithRoles();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      user: { email: 'boot@roster.test', status: 'active', activatedAt: START },
      roleName: 'Administrator',
      roleIsAdmin: true,
    });
    expect(rows[0]?.user.passwordHash).not.toContain(BOOT.password);

    const audit = await t.db.select().from(auditEvents);
    expect(audit.map((row) => row.action)).toEqual(['user.bootstrap_admin_created']);

    const session = await t.signIn(BOOT.email, BOOT.password);
    expect(await (await t.asSession(session)).auth.me()).toMatchObject({
      email: 'boot@roster.test',
      isAdmin: true,
    });
    await expect((await t.asSession(session)).tokens.list()).resolves.toEqual([]);
  });

  it('creates the built-in roles first when they are missing', async () => {
    await t.db.delete(roles);
    await expect(ensureBootstrapAdmin(t.db, BOOT.email, BOOT.password, START)).resolves.toBe(true);
    const [row] = await usersWithRoles();
    expect(row).toMatchObject({ roleName: 'Administrator', roleIsAdmin: true });
  });

  it.each([
    ['an active Reader', { status: 'active', role: 'Reader' }],
    ['a deactivated Administrator', { status: 'deactivated', role: 'Administrator' }],
    ['an invited user without a password', { status: 'invited', role: 'Contributor', withPassword: false }],
  ] as const)('leaves %s with that e-mail exactly as it is', async (_name, existing) => {
    const user = await t.createUser({ email: BOOT.email, ...existing });
    const before = await t.counts();

    // The e-mail matches whatever its case and spacing.
    for (const email of [BOOT.email, ' BOOT@roster.test ']) {
      await expect(ensureBootstrapAdmin(t.db, email, BOOT.password, START)).resolves.toBe(false);
    }

    const [after] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(after).toEqual(user);
    expect(await t.counts()).toEqual(before);
  });

  it('is idempotent: a second start changes nothing', async () => {
    await expect(ensureBootstrapAdmin(t.db, BOOT.email, BOOT.password, START)).resolves.toBe(true);
    const [created] = await t.db.select().from(users);
    const before = await t.counts();

    await expect(ensureBootstrapAdmin(t.db, BOOT.email, 'a different password', START)).resolves.toBe(false);

    expect(await t.db.select().from(users)).toEqual([created]);
    expect(await t.counts()).toEqual(before);
  });

  it('creates exactly one administrator when two processes start at once', async () => {
    const results = await Promise.all([
      ensureBootstrapAdmin(t.db, BOOT.email, BOOT.password, START),
      ensureBootstrapAdmin(t.db, BOOT.email, BOOT.password, START),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await t.db.select().from(users)).toHaveLength(1);
    expect(await t.auditActions()).toEqual(['user.bootstrap_admin_created']);
  });
});
