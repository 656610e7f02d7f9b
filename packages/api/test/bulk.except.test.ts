import { randomUUID } from 'node:crypto';
import { bulkOperations, users } from '@roster/db';
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { expectTRPCError, useHarness } from './harness';

/**
 * "All N matching except these" (SPEC §2): a filter selection minus the users the admin unticked
 * afterwards. `expectedCount` is the N the admin saw; the excepted users are left untouched.
 */

const h = useHarness({ admin: true });

const rolesOf = async (ids: string[]) =>
  new Map(
    (await h.db.select({ id: users.id, roleId: users.roleId }).from(users).where(inArray(users.id, ids))).map(
      (u) => [u.id, u.roleId],
    ),
  );

describe('a filter selection with exceptions', () => {
  it('previews and applies to every matching user but the excepted ones', async () => {
    const ids = await h.createUsers(12, { status: 'active', role: 'Reader' });
    const except = ids.slice(0, 3);
    const selection = { filter: { roleIds: [h.roleId('Reader')] }, expectedCount: 12, exceptIds: except };
    const operation = { kind: 'assign_role' as const, roleId: h.roleId('Buyer') };

    const preview = await h.admin.caller.bulk.preview({ operation, selection });
    expect(preview.total).toBe(9);
    expect(preview.counts.change).toBe(9);

    const applied = await h.admin.caller.bulk.execute({ operationId: randomUUID(), operation, selection });
    expect(applied.total).toBe(9);
    const after = await rolesOf(ids);
    for (const id of ids)
      expect(after.get(id)).toBe(except.includes(id) ? h.roleId('Reader') : h.roleId('Buyer'));
    const results = await h.admin.caller.bulk.results({ id: applied.id });
    expect(results.items.map((r) => r.userId).sort()).toEqual(ids.slice(3).sort());
  });

  it('counts an excepted user the filter no longer matches as not selected, and the check stays exact', async () => {
    const ids = await h.createUsers(5, { status: 'active', role: 'Reader' });
    const elsewhere = await h.createUsers(1, { status: 'active', role: 'Buyer' });
    const selection = {
      filter: { roleIds: [h.roleId('Reader')] },
      expectedCount: 5,
      exceptIds: [ids[0] ?? '', elsewhere[0] ?? ''],
    };
    const preview = await h.admin.caller.bulk.preview({ operation: { kind: 'deactivate' }, selection });
    expect(preview.total).toBe(4);
  });

  it('refuses a changed filter, an everyone-excepted selection and bad ids, writing nothing', async () => {
    const ids = await h.createUsers(4, { status: 'active', role: 'Reader' });
    const operation = { kind: 'deactivate' as const };
    const filter = { roleIds: [h.roleId('Reader')] };
    await expectTRPCError(
      h.execute(operation, { filter, expectedCount: 5, exceptIds: [ids[0] ?? ''] }),
      'CONFLICT',
      'selection_changed',
    );
    await expectTRPCError(
      h.execute(operation, { filter, expectedCount: 4, exceptIds: ids }),
      'BAD_REQUEST',
      'empty_selection',
    );
    await expectTRPCError(
      h.admin.caller.bulk.preview({ operation, selection: { filter, expectedCount: 4, exceptIds: ids } }),
      'BAD_REQUEST',
      'empty_selection',
    );
    await expectTRPCError(
      h.execute(operation, { filter, expectedCount: 4, exceptIds: ['not-a-uuid'] }),
      'BAD_REQUEST',
      'invalid_input',
    );
    expect(await h.db.select().from(bulkOperations)).toEqual([]);
  });

  it('a retried Apply with other exceptions is another operation: operation_conflict', async () => {
    const ids = await h.createUsers(4, { status: 'created', role: 'Reader' });
    const operationId = randomUUID();
    const filter = { status: ['created' as const] };
    await h.admin.caller.bulk.execute({
      operationId,
      operation: { kind: 'invite' },
      selection: { filter, expectedCount: 4, exceptIds: [ids[0] ?? ''] },
    });
    await expectTRPCError(
      h.admin.caller.bulk.execute({
        operationId,
        operation: { kind: 'invite' },
        selection: { filter, expectedCount: 4, exceptIds: [ids[1] ?? ''] },
      }),
      'CONFLICT',
      'operation_conflict',
    );
  });
});
