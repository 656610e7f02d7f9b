import { randomUUID } from 'node:crypto';
import { bulkOperations, roles, users } from '@roster/db';
import { createTestDb, type TestDb } from '@roster/db/testing';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addUsers } from './bulkFixtures';
import { type Caller, expectApiError, newAdmin } from './userFixtures';

/**
 * "All N matching except these" (SPEC §2): a filter selection minus the users the admin unticked
 * afterwards. `expectedCount` is the N the admin saw; the excepted users are left untouched.
 */

let testDb: TestDb;
let caller: Caller;
let readerRole: string;
let buyerRole: string;

beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(() => testDb.close());
beforeEach(async () => {
  await testDb.reset();
  ({ caller } = await newAdmin(testDb.db));
  const all = await testDb.db.select({ id: roles.id, name: roles.name }).from(roles);
  readerRole = all.find((r) => r.name === 'Reader')?.id ?? '';
  buyerRole = all.find((r) => r.name === 'Buyer')?.id ?? '';
});

const rolesOf = async (ids: string[]) =>
  new Map(
    (
      await testDb.db.select({ id: users.id, roleId: users.roleId }).from(users).where(inArray(users.id, ids))
    ).map((u) => [u.id, u.roleId]),
  );

describe('a filter selection with exceptions', () => {
  it('previews and applies to every matching user but the excepted ones', async () => {
    const ids = await addUsers(testDb.db, 12, 'active', readerRole);
    const except = ids.slice(0, 3);
    const selection = { filter: { roleIds: [readerRole] }, expectedCount: 12, exceptIds: except };
    const operation = { kind: 'assign_role' as const, roleId: buyerRole };

    const preview = await caller.bulk.preview({ operation, selection });
    expect(preview.total).toBe(9);
    expect(preview.counts.change).toBe(9);

    const applied = await caller.bulk.execute({ operationId: randomUUID(), operation, selection });
    expect(applied.total).toBe(9);
    const after = await rolesOf(ids);
    for (const id of ids) expect(after.get(id)).toBe(except.includes(id) ? readerRole : buyerRole);
    const results = await caller.bulk.results({ id: applied.id });
    expect(results.items.map((r) => r.userId).sort()).toEqual(ids.slice(3).sort());
  });

  it('counts an excepted user the filter no longer matches as not selected, and the check stays exact', async () => {
    const ids = await addUsers(testDb.db, 5, 'active', readerRole);
    const elsewhere = await addUsers(testDb.db, 1, 'active', buyerRole);
    const selection = {
      filter: { roleIds: [readerRole] },
      expectedCount: 5,
      exceptIds: [ids[0] ?? '', elsewhere[0] ?? ''],
    };
    const preview = await caller.bulk.preview({ operation: { kind: 'deactivate' }, selection });
    expect(preview.total).toBe(4);
  });

  it('refuses a changed filter, an everyone-excepted selection and bad ids, writing nothing', async () => {
    const ids = await addUsers(testDb.db, 4, 'active', readerRole);
    const operation = { kind: 'deactivate' as const };
    const filter = { roleIds: [readerRole] };
    await expectApiError(
      caller.bulk.execute({
        operationId: randomUUID(),
        operation,
        selection: { filter, expectedCount: 5, exceptIds: [ids[0] ?? ''] },
      }),
      'CONFLICT',
      'selection_changed',
    );
    await expectApiError(
      caller.bulk.execute({
        operationId: randomUUID(),
        operation,
        selection: { filter, expectedCount: 4, exceptIds: ids },
      }),
      'BAD_REQUEST',
      'empty_selection',
    );
    await expectApiError(
      caller.bulk.preview({ operation, selection: { filter, expectedCount: 4, exceptIds: ids } }),
      'BAD_REQUEST',
      'empty_selection',
    );
    await expectApiError(
      caller.bulk.execute({
        operationId: randomUUID(),
        operation,
        selection: { filter, expectedCount: 4, exceptIds: ['not-a-uuid'] },
      }),
      'BAD_REQUEST',
      'invalid_input',
    );
    expect(await testDb.db.select().from(bulkOperations)).toEqual([]);
  });

  it('a retried Apply with other exceptions is another operation: operation_conflict', async () => {
    const ids = await addUsers(testDb.db, 4, 'created', readerRole);
    const operationId = randomUUID();
    const filter = { status: ['created' as const] };
    await caller.bulk.execute({
      operationId,
      operation: { kind: 'invite' },
      selection: { filter, expectedCount: 4, exceptIds: [ids[0] ?? ''] },
    });
    await expectApiError(
      caller.bulk.execute({
        operationId,
        operation: { kind: 'invite' },
        selection: { filter, expectedCount: 4, exceptIds: [ids[1] ?? ''] },
      }),
      'CONFLICT',
      'operation_conflict',
    );
  });
});
