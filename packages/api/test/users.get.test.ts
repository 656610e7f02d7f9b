import { randomUUID } from 'node:crypto';
import {
  auditEvents,
  functionalMemberships,
  functionalResources,
  invitations,
  roles,
  users,
} from '@roster/db';
import { ACCESS_LEVELS, BUILT_IN_ROLES, MODULES, RIGHTS, USER_STATUSES } from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callByPath, callerWithConfig, expectTRPCError, HOUR, START } from './harness';
import { compareText, type FixtureUser, useFixture } from './userFixtures';

const { h, fx } = useFixture();

function fixtureUser(email: string): FixtureUser {
  const user = fx().users.find((u) => u.email === email);
  if (!user) throw new Error(`No fixture user ${email}`);
  return user;
}

const unitName = (id: string) => Object.values(fx().units).find((u) => u.id === id)?.name;

describe('users.get', () => {
  it('returns the user with role, module access, scope (unit names), rights and no invitation', async () => {
    const sam = fixtureUser('sam.taylor@globex.test');
    const user = await fx().caller.users.get({ id: sam.id });
    expect({
      id: user.id,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      status: user.status,
      roleId: user.roleId,
      roleName: user.roleName,
      roleIsAdmin: user.roleIsAdmin,
      lastLoginAt: user.lastLoginAt?.toISOString(),
      version: user.version,
      invitation: user.invitation,
    }).toEqual({
      id: sam.id,
      email: 'sam.taylor@globex.test',
      firstName: 'Sam',
      lastName: 'Taylor',
      status: 'active',
      roleId: fx().roleId('Buyer'),
      roleName: 'Buyer',
      roleIsAdmin: false,
      lastLoginAt: new Date(START.getTime() - 24 * HOUR).toISOString(),
      version: 1,
      invitation: null,
    });
    expect((await fx().caller.users.activity({ id: sam.id })).items).toEqual([]);
    expect([...user.moduleAccess].sort((a, b) => compareText(a.module, b.module))).toEqual([
      { module: 'budget', level: 'read' },
      { module: 'contracts', level: 'edit' },
      { module: 'suppliers', level: 'edit' },
    ]);
    expect(user.scope).toEqual([{ id: fx().units.spain.id, name: 'Globex Spain', kind: 'entity' }]);
    expect([...user.rights].sort()).toEqual(['budget_manager', 'buyer']);
  });

  it('lists every scope unit by name, and every right', async () => {
    for (const email of ['ines.martin@globex.test', 'cleo.quick@globex.test', 'hal.hart@initech.test']) {
      const model = fixtureUser(email);
      const user = await fx().caller.users.get({ id: model.id });
      expect(user.scope.map((s) => s.name).sort(), email).toEqual(
        model.scopeIds.map((id) => unitName(id)).sort(),
      );
      expect(user.scope.map((s) => s.id).sort()).toEqual([...model.scopeIds].sort());
      expect([...user.rights].sort()).toEqual([...model.rights].sort());
      expect(user.moduleAccess.map((m) => `${m.module}:${m.level}`).sort()).toEqual(
        Object.entries(model.access)
          .map(([m, l]) => `${m}:${l}`)
          .sort(),
      );
    }
  });

  it('shows the current pending invitation, not an older superseded one', async () => {
    const rita = fixtureUser('rita.olsen@globex.test');
    const user = await fx().caller.users.get({ id: rita.id });
    expect(user.status).toBe('invited');
    expect(user.invitation).toMatchObject({
      status: 'pending',
      expiresAt: new Date(START.getTime() + 100 * HOUR),
      sentCount: 1,
      acceptedAt: null,
    });
    const all = await h.db
      .select({ id: invitations.id, status: invitations.status })
      .from(invitations)
      .where(eq(invitations.userId, rita.id));
    expect(all.map((i) => i.status).sort()).toEqual(['pending', 'superseded']);
    expect(all.find((i) => i.status === 'pending')?.id).toBe(user.invitation?.id);
  });

  it('shows an expired pending invitation with its expiry in the past', async () => {
    const quinn = fixtureUser('quinn.olsen@globex.test');
    const user = await fx().caller.users.get({ id: quinn.id });
    expect(user.invitation?.status).toBe('pending');
    expect(user.invitation?.expiresAt.getTime()).toBe(START.getTime() - 200 * HOUR);
    expect(user.invitation && user.invitation.expiresAt.getTime() <= START.getTime()).toBe(true);
  });

  it('shows an accepted invitation of an active user', async () => {
    const emil = fixtureUser('emil.nolan@globex.test');
    const user = await fx().caller.users.get({ id: emil.id });
    expect(user.invitation?.status).toBe('accepted');
  });

  it('users.activity: the 20 most recent audit events of this user only, newest first', async () => {
    const hugo = fixtureUser('hugo.martin@globex.test');
    const other = fixtureUser('walt.white@globex.test');
    const base = START.getTime() - 1000 * HOUR;
    for (let i = 0; i < 25; i += 1) {
      await h.db.insert(auditEvents).values({
        at: new Date(base + i * HOUR),
        actorId: fx().admin.id,
        userId: hugo.id,
        // Codes the vocabulary does not declare, as an older version may have stored.
        action: sql`${`test.event_${i}`}`,
        before: { n: i },
        after: { n: i + 1 },
      });
      await h.db.insert(auditEvents).values({
        at: new Date(base + i * HOUR + 1),
        actorId: fx().admin.id,
        userId: other.id,
        action: sql`${'test.other'}`,
      });
    }
    const activity = await fx().caller.users.activity({ id: hugo.id, limit: 20 });
    expect(activity.items.map((e) => e.action)).toEqual(
      Array.from({ length: 20 }, (_, i) => `test.event_${24 - i}`),
    );
    const newest = activity.items[0];
    expect(newest).toMatchObject({
      at: new Date(base + 24 * HOUR),
      actorId: fx().admin.id,
      before: { n: 24 },
      after: { n: 25 },
      operationId: null,
    });
    const times = activity.items.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(activity.nextCursor).toBe(activity.items.at(-1)?.id);
  });

  it('counts functional memberships per kind', async () => {
    const xena = fixtureUser('xena.warrior@initech.test');
    const resources = await h.db
      .insert(functionalResources)
      .values([
        { kind: 'project', name: 'Project A' },
        { kind: 'project', name: 'Project B' },
        { kind: 'activity', name: 'Activity A' },
      ])
      .returning({ id: functionalResources.id });
    await h.db
      .insert(functionalMemberships)
      .values(resources.map((r) => ({ userId: xena.id, resourceId: r.id })));
    const user = await fx().caller.users.get({ id: xena.id });
    expect(user.functionalMemberships).toEqual({ project: 2, activity: 1 });
  });

  it('refuses an unknown id with NOT_FOUND user_not_found', async () => {
    await expectTRPCError(fx().caller.users.get({ id: randomUUID() }), 'NOT_FOUND', 'user_not_found');
  });

  it('refuses a malformed id with BAD_REQUEST invalid_input, and writes nothing', async () => {
    const before = (await h.counts()).auditEvents;
    await expectTRPCError(fx().caller.users.get({ id: 'not-a-uuid' }), 'BAD_REQUEST', 'invalid_input');
    await expectTRPCError(fx().caller.users.get({ id: '' }), 'BAD_REQUEST', 'invalid_input');
    const usersGet = { path: 'users.get', type: 'query' } as const;
    await expectTRPCError(callByPath(fx().ctx, usersGet, {}), 'BAD_REQUEST', 'invalid_input');
    await expectTRPCError(callByPath(fx().ctx, usersGet, { id: 42 }), 'BAD_REQUEST', 'invalid_input');
    await expectTRPCError(callByPath(fx().ctx, usersGet, undefined), 'BAD_REQUEST', 'invalid_input');
    expect((await h.counts()).auditEvents).toBe(before);
  });
});

describe('roles.list', () => {
  it('lists every role sorted by name; only Administrator is an admin role; built-ins flagged', async () => {
    const list = await fx().caller.roles.list();
    const names = [...fx().roleIds.keys()].sort(compareText);
    expect(list.map((r) => r.name)).toEqual(names);
    expect(names).toEqual(expect.arrayContaining([...BUILT_IN_ROLES, 'Auditor', 'Empty role']));
    for (const role of list) {
      expect(role, role.name).toEqual({
        id: fx().roleId(role.name),
        name: role.name,
        isAdmin: role.name === 'Administrator',
        builtIn: BUILT_IN_ROLES.some((name) => name === role.name),
      });
    }
  });

  it('includes a role created later, in its place', async () => {
    await h.db.insert(roles).values({ name: 'Bookkeeper' });
    const names = (await fx().caller.roles.list()).map((r) => r.name);
    expect(names).toContain('Bookkeeper');
    expect(names).toEqual([...names].sort(compareText));
    expect(names.indexOf('Bookkeeper')).toBe(names.indexOf('Buyer') - 1);
  });
});

describe('catalog.get', () => {
  it('returns modules, access levels, rights, statuses and the organisation tree', async () => {
    const catalog = await fx().caller.catalog.get();
    expect(catalog.modules).toEqual([...MODULES]);
    expect(catalog.accessLevels).toEqual([...ACCESS_LEVELS]);
    expect(catalog.rights).toEqual([...RIGHTS]);
    expect(catalog.statuses).toEqual([...USER_STATUSES]);
    // The server's setting, whatever it is.
    const configured = callerWithConfig(fx().ctx, { invitationTtlDays: 3 });
    expect((await configured.catalog.get()).invitationTtlDays).toBe(3);
    const units = Object.values(fx().units)
      .map((u) => ({ id: u.id, name: u.name, kind: u.kind, parentId: u.parentId }))
      .sort((a, b) => compareText(a.name, b.name));
    expect(catalog.orgUnits).toEqual(units);
    // The tree: departments under entities under groups.
    expect(catalog.orgUnits.find((u) => u.name === 'Sales Spain')?.parentId).toBe(fx().units.spain.id);
    expect(catalog.orgUnits.find((u) => u.name === 'Globex Spain')?.parentId).toBe(fx().units.globex.id);
  });
});

describe('who may read users', () => {
  it('refuses a signed-in non-administrator (FORBIDDEN not_admin) on every read procedure', async () => {
    const bob = fixtureUser('bob.smith@globex.test');
    const { caller: reader } = await h.asUser(bob.id);
    await expectTRPCError(reader.users.list({}), 'FORBIDDEN', 'not_admin');
    await expectTRPCError(reader.users.get({ id: bob.id }), 'FORBIDDEN', 'not_admin');
    await expectTRPCError(reader.roles.list(), 'FORBIDDEN', 'not_admin');
    await expectTRPCError(reader.catalog.get(), 'FORBIDDEN', 'not_admin');
  });

  it('refuses an anonymous request and a deactivated administrator (UNAUTHORIZED not_signed_in)', async () => {
    const anonymous = await h.anonymous();
    await expectTRPCError(anonymous.users.list({}), 'UNAUTHORIZED', 'not_signed_in');
    await expectTRPCError(anonymous.catalog.get(), 'UNAUTHORIZED', 'not_signed_in');
    const walt = fixtureUser('walt.white@globex.test');
    await h.db.update(users).set({ status: 'deactivated' }).where(eq(users.id, walt.id));
    try {
      const { caller: deactivated } = await h.asUser(walt.id);
      await expectTRPCError(deactivated.users.list({}), 'UNAUTHORIZED', 'not_signed_in');
    } finally {
      await h.db.update(users).set({ status: 'active' }).where(eq(users.id, walt.id));
    }
  });
});
