import { randomUUID } from 'node:crypto';
import {
  type Db,
  moduleAccess,
  orgUnits,
  queryRows,
  roles,
  seedUsers,
  userCounts,
  userModuleCounts,
  users,
} from '@roster/db';
import { signal, type TestDb } from '@roster/db/testing';
import type { UsersFilter } from '@roster/domain';
import { and, count, eq, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldUserCounts, foldUserModuleCounts } from '../src/users/countUsers';
import { listUsers } from '../src/users/listUsers';
import { usersFilterCondition } from '../src/users/usersFilter';
import { type Caller, START, useHarness } from './harness';

/**
 * SPEC §5: every number of users a screen shows is the real one. The numbers come from maintained
 * counts (status, role, and a module with either), from the search table (a search alone) or from a
 * count on `users`; each must equal a plain `count(*)` after operations, copied access, imports and
 * reverts have moved users around.
 */

const h = useHarness({ reset: false });
let testDb: TestDb;
let caller: Caller;
const SEEDED = 1_200;

beforeAll(async () => {
  testDb = h.testDb;
  ({ caller } = await h.signedIn('Administrator', { signIn: false }));
  await seedUsers(testDb.db, { users: SEEDED, batchSize: 500 });
});

async function roleId(name: string): Promise<string> {
  const [role] = await testDb.db.select({ id: roles.id }).from(roles).where(eq(roles.name, name));
  if (!role) throw new Error(`No role ${name}`);
  return role.id;
}

/** The views of the users table the test checks: every facet, alone and combined. */
async function views(): Promise<[string, UsersFilter | undefined][]> {
  const reader = await roleId('Reader');
  const admin = await roleId('Administrator');
  const [unit] = await testDb.db.select({ id: orgUnits.id }).from(orgUnits).where(sql`parent_id is null`);
  return [
    ['everyone', undefined],
    ['an empty filter', {}],
    ['active', { status: ['active'] }],
    ['invited', { status: ['invited'] }],
    ['created or deactivated', { status: ['created', 'deactivated'] }],
    ['Reader', { roleIds: [reader] }],
    ['active administrators', { status: ['active'], roleIds: [admin] }],
    ['Reader or Administrator, invited', { status: ['invited'], roleIds: [reader, admin] }],
    ['search "son"', { search: 'son' }],
    ['search "a" and active', { search: 'a', status: ['active'] }],
    ['module budget ≥ read', { module: { module: 'budget', minLevel: 'read' } }],
    ['module budget ≥ edit', { module: { module: 'budget', minLevel: 'edit' } }],
    ['Reader with budget ≥ edit', { roleIds: [reader], module: { module: 'budget', minLevel: 'edit' } }],
    ['active with projects ≥ read', { status: ['active'], module: { module: 'projects', minLevel: 'read' } }],
    [
      'active Reader or Administrator with budget ≥ read',
      { status: ['active'], roleIds: [reader, admin], module: { module: 'budget', minLevel: 'read' } },
    ],
    [
      'search "a", invited, with budget ≥ read',
      { search: 'a', status: ['invited'], module: { module: 'budget', minLevel: 'read' } },
    ],
    ['scope with descendants', { orgUnitId: unit?.id ?? '', includeDescendants: true }],
    ['right buyer', { right: 'buyer' }],
    ['invitation expired', { invitationExpired: true }],
  ];
}

/** A plain count(*) of the users a filter matches: what every view must show. */
async function countStar(filter: UsersFilter | undefined): Promise<number> {
  const condition = await usersFilterCondition(testDb.db, filter, START);
  const [row] = await testDb.db.select({ n: count() }).from(users).where(condition);
  return row?.n ?? 0;
}

async function expectTrueCounts(when: string): Promise<void> {
  for (const [name, filter] of await views()) {
    const expected = await countStar(filter);
    const counted = await caller.users.count({ filter });
    const page = await caller.users.list({ filter, limit: 5 });
    expect(counted.total, `users.count, ${name}, ${when}`).toBe(expected);
    expect(page.total, `users.list, ${name}, ${when}`).toBe(expected);
  }
}

/** A transaction that does `work` and stays open until released. */
function openTransaction(work: (tx: Db) => Promise<unknown>) {
  const { fired: released, fire: release } = signal();
  const { fired: worked, fire: done } = signal();
  const committed = testDb.db.transaction(async (tx) => {
    await work(tx);
    done();
    await released;
  });
  return { worked, release, committed };
}

/** Resolves once a session of this database waits for a lock (fails after 5 s: nothing waited). */
async function oneTransactionWaits(): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const [row] = await queryRows<{ n: number }>(
      testDb.db,
      sql`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((row?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('No transaction waited for the other');
}

type OpenTransaction = ReturnType<typeof openTransaction>;

/**
 * `first` has done its work and holds its locks; `second` is started by `start` and must wait for
 * them. Once it waits, `first` commits, then `second` does its work and commits.
 */
async function runWhileHeld(first: OpenTransaction, start: () => OpenTransaction): Promise<void> {
  await first.worked;
  const second = start();
  await oneTransactionWaits();
  first.release();
  await first.committed;
  await second.worked;
  second.release();
  await second.committed;
}

async function finish(id: string) {
  const view = await caller.bulk.get({ id });
  expect(view.finishedAt, 'runs inside the request').not.toBeNull();
  return view;
}

describe('the numbers of users shown', () => {
  it('equal count(*) for every view, after operations, an import and a revert moved users', async () => {
    await expectTrueCounts('after seeding');

    const reader = await roleId('Reader');
    const invitedReaders = { status: ['invited' as const], roleIds: [reader] };
    const assigned = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: await roleId('Buyer') },
      selection: { filter: invitedReaders, expectedCount: await countStar(invitedReaders) },
    });
    expect((await finish(assigned.id)).counts.change).toBeGreaterThan(0);
    await expectTrueCounts('after a role change');

    const active = await caller.users.list({ filter: { status: ['active'] }, limit: 300 });
    const ids = active.items.filter((u) => !u.roleIsAdmin).map((u) => u.id);
    const deactivated = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { ids },
      confirmCount: ids.length,
    });
    expect((await finish(deactivated.id)).counts.change).toBe(ids.length);
    await expectTrueCounts('after deactivating');

    const reverted = await caller.bulk.revert({ operationId: randomUUID(), id: deactivated.id });
    expect((await finish(reverted.id)).counts.change).toBe(ids.length);
    await expectTrueCounts('after the revert');

    const created = await caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'invite' },
      selection: { filter: { status: ['created'] }, expectedCount: await countStar({ status: ['created'] }) },
    });
    await finish(created.id);
    await expectTrueCounts('after inviting');

    const [source] = await testDb.db
      .select({ id: moduleAccess.userId })
      .from(moduleAccess)
      .where(and(eq(moduleAccess.module, 'budget'), eq(moduleAccess.level, 'edit')))
      .limit(1);
    const readers = await caller.users.list({ filter: { roleIds: [reader] }, limit: 200 });
    for (const mode of ['merge', 'replace'] as const) {
      const copied = await caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'copy_access', sourceUserId: source?.id ?? '', mode },
        selection: { ids: readers.items.map((u) => u.id) },
      });
      expect((await finish(copied.id)).counts.change, mode).toBeGreaterThan(0);
      await expectTrueCounts(`after copying access (${mode})`);
    }

    const importId = randomUUID();
    const rows = Array.from({ length: 40 }, (_, i) => ({
      line: i + 2,
      email: `imported-${i}@roster.test`,
      firstName: 'Imported',
      lastName: `Person ${i}`,
      role: i % 2 ? 'Reader' : 'Contributor',
      copyAccessFrom: '',
    }));
    await caller.imports.preview({
      operationId: importId,
      file: { fileSha256: 'b'.repeat(64), fileName: 'people.csv', totalRows: rows.length },
      rows,
    });
    const imported = await caller.imports.commit({ operationId: importId, invite: true });
    expect((await finish(imported.id)).counts.change).toBe(rows.length);
    await expectTrueCounts('after an import that invited its users');
  });

  it('stay true when the rows of differences are folded together', async () => {
    const before = await queryRows<{ n: number }>(testDb.db, sql`select count(*)::int as n from user_counts`);
    expect(before[0]?.n).toBeGreaterThan(1);
    await foldUserCounts(testDb.db);
    const folded = await testDb.db
      .select({ role: userCounts.roleId, status: userCounts.status, n: count() })
      .from(userCounts)
      .groupBy(userCounts.roleId, userCounts.status);
    // One row per (role, status) that has users.
    expect(folded.every((row) => row.n === 1)).toBe(true);
    await foldUserModuleCounts(testDb.db);
    const foldedModules = await testDb.db
      .select({ n: count() })
      .from(userModuleCounts)
      .groupBy(
        userModuleCounts.roleId,
        userModuleCounts.status,
        userModuleCounts.module,
        userModuleCounts.level,
      );
    expect(foldedModules.every((row) => row.n === 1)).toBe(true);
    await expectTrueCounts('after folding');
  });

  it('fold a table of differences once it holds many rows, whatever the filter counted', async () => {
    const reader = await roleId('Reader');
    // Differences that cancel out, on facets no filter below names: thousands of rows to read.
    await testDb.db.execute(sql`insert into user_counts (role_id, status, n)
      select ${reader}, 'deactivated', sign from generate_series(1, 2000), unnest(array[1, -1]) as sign`);
    await testDb.db.execute(sql`insert into user_module_counts (role_id, status, module, level, n)
      select ${reader}, 'deactivated', 'reporting', 'read', sign
      from generate_series(1, 4000), unnest(array[1, -1]) as sign`);
    const rows = async (table: 'user_counts' | 'user_module_counts') =>
      (
        await queryRows<{ n: number }>(
          testDb.db,
          sql`select count(*)::int as n from ${sql.identifier(table)}`,
        )
      )[0]?.n ?? 0;
    expect(await rows('user_counts')).toBeGreaterThan(4_000);
    expect(await rows('user_module_counts')).toBeGreaterThan(8_000);
    // A module filter with a role: its own rows are few, the tables' are not.
    await caller.users.count({
      filter: { roleIds: [reader], module: { module: 'budget', minLevel: 'edit' } },
    });
    expect(await rows('user_counts')).toBeLessThan(100);
    expect(await rows('user_module_counts')).toBeLessThan(1_000);
    await expectTrueCounts('after folding on a count');
  });

  it.runIf(process.env.DATABASE_URL)(
    'stay true when a role change and an access change of one user run at once (PostgreSQL)',
    async () => {
      const reader = await roleId('Reader');
      const buyer = await roleId('Buyer');
      const [user] = await testDb.db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.roleId, reader))
        .limit(1);
      const id = user?.id ?? '';
      await testDb.db
        .delete(moduleAccess)
        .where(and(eq(moduleAccess.userId, id), eq(moduleAccess.module, 'budget')));

      // The role changes first; the access row added meanwhile must be counted under the new role.
      await runWhileHeld(
        openTransaction((tx) => tx.update(users).set({ roleId: buyer }).where(eq(users.id, id))),
        () =>
          openTransaction((tx) =>
            tx.insert(moduleAccess).values({ userId: id, module: 'budget', level: 'edit' }),
          ),
      );
      await expectTrueCounts('after an access row was added during a role change');

      // The access changes first; the role change that waits for it must move the new rows.
      await runWhileHeld(
        openTransaction((tx) =>
          tx.delete(moduleAccess).where(and(eq(moduleAccess.userId, id), eq(moduleAccess.module, 'budget'))),
        ),
        () => openTransaction((tx) => tx.update(users).set({ roleId: reader }).where(eq(users.id, id))),
      );
      await expectTrueCounts('after a role change that waited for an access change');
    },
  );

  it('are summed once for a first page that both chooses its path by them and shows them', async () => {
    const reader = await roleId('Reader');
    const sumsRead: string[] = [];
    const dialect = new PgDialect();
    // The handle as listUsers sees it, noting each raw statement that reads the maintained counts.
    const noting = new Proxy(testDb.db, {
      get: (target, key, receiver) =>
        key === 'execute'
          ? (query: SQL) => {
              const text = dialect.sqlToQuery(query).sql;
              if (text.includes('from "user_counts"')) sumsRead.push(text);
              return target.execute(query);
            }
          : Reflect.get(target, key, receiver),
    });
    for (const filter of [
      { roleIds: [reader] },
      { roleIds: [reader], status: ['active' as const] },
      { roleIds: [reader], module: { module: 'budget' as const, minLevel: 'edit' as const } },
    ]) {
      sumsRead.length = 0;
      const page = await listUsers(noting, { filter, limit: 10 }, START);
      const [truth] = await testDb.db
        .select({ n: count() })
        .from(users)
        .where(await usersFilterCondition(testDb.db, filter, START));
      expect(page.total).toBe(truth?.n);
      expect(sumsRead).toHaveLength(1);
    }
  });

  it('refuses an unknown role as the list does', async () => {
    await expect(caller.users.count({ filter: { roleIds: [randomUUID()] } })).rejects.toMatchObject({
      cause: { code: 'unknown_role' },
    });
  });
});
