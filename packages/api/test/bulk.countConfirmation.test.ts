import { randomUUID } from 'node:crypto';
import { bulkOperations, users } from '@roster/db';
import { COUNT_CONFIRMATION_THRESHOLD } from '@roster/domain';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { expectTRPCError, useHarness } from './harness';

const h = useHarness({ admin: true });

/**
 * Deactivating many users is confirmed by their number (issue 19 item 12), on the server as for the
 * Administrator role: a client that skips the question, or sends a number typed for another
 * selection, is refused and nothing is written.
 */
describe('bulk.execute: deactivating 100 users or more needs their number (confirmCount)', () => {
  it('refuses a large deactivation without the count, or with another number, writing nothing', async () => {
    const ids = await h.createUsers(COUNT_CONFIRMATION_THRESHOLD, { status: 'active', role: 'Reader' });
    const before = await h.counts();
    for (const confirmCount of [undefined, ids.length - 1, ids.length + 1]) {
      const operationId = randomUUID();
      const refusal = await expectTRPCError(
        h.admin.caller.bulk.execute({
          operationId,
          operation: { kind: 'deactivate' },
          selection: { ids },
          ...(confirmCount === undefined ? {} : { confirmCount }),
        }),
        'PRECONDITION_FAILED',
        'count_confirmation_required',
      );
      expect(refusal.message).toContain(`confirmCount: ${ids.length}`);
      expect(await h.db.select().from(bulkOperations).where(eq(bulkOperations.id, operationId))).toEqual([]);
    }
    expect(await h.counts()).toEqual(before);
    const statuses = await h.db.select({ status: users.status }).from(users).where(inArray(users.id, ids));
    expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(['active']));
  });

  it('counts a filter selection as resolved at Apply (the unticked users left out)', async () => {
    const ids = await h.createUsers(COUNT_CONFIRMATION_THRESHOLD + 2, { status: 'active', role: 'Buyer' });
    const selection = {
      filter: { roleIds: [h.roleId('Buyer')] },
      expectedCount: ids.length,
      exceptIds: ids.slice(0, 2),
    };
    await expectTRPCError(
      h.admin.caller.bulk.execute({
        operationId: randomUUID(),
        operation: { kind: 'deactivate' },
        selection,
        confirmCount: ids.length,
      }),
      'PRECONDITION_FAILED',
      'count_confirmation_required',
    );
    const op = await h.admin.caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection,
      confirmCount: COUNT_CONFIRMATION_THRESHOLD,
    });
    expect(op.total).toBe(COUNT_CONFIRMATION_THRESHOLD);
  });

  it('applies with the right count; below 100 users, and other operations, need none', async () => {
    const many = await h.createUsers(COUNT_CONFIRMATION_THRESHOLD, { status: 'active', role: 'Reader' });
    const deactivated = await h.admin.caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'deactivate' },
      selection: { ids: many },
      confirmCount: many.length,
    });
    expect(deactivated).toMatchObject({ status: 'succeeded', total: many.length });
    expect(deactivated.counts.change).toBe(many.length);
    // Reactivating them gives access back: nothing to type.
    const reactivated = await h.apply({ kind: 'reactivate' }, many);
    expect(reactivated.counts.change).toBe(many.length);
    const few = many.slice(0, COUNT_CONFIRMATION_THRESHOLD - 1);
    expect((await h.apply({ kind: 'deactivate' }, few)).counts.change).toBe(few.length);
  });
});
