import { randomUUID } from 'node:crypto';
import { auditEvents, bulkOperationItems, emailOutbox, invitations, users } from '@roster/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { callerWithConfig, useHarness } from './harness';

/**
 * A database error that passes (a serialization failure, a deadlock, the server shutting a session
 * down) fails the batch's transaction, which rolls back whole, claim included: the batch is run
 * again after a wait, and only an error that outlasts every attempt stops the operation.
 */

const h = useHarness({ admin: true });

/**
 * Makes the next `times` updates of users fail with `sqlstate` (every one when `times` is null). A
 * sequence counts them: unlike a row, it is not rolled back with the failing transaction.
 */
async function failUpdates(sqlstate: string, times: number | null): Promise<void> {
  await h.db.execute(sql.raw('create sequence if not exists flaky_updates'));
  const condition = times === null ? 'true' : `nextval('flaky_updates') <= ${times}`;
  await h.db.execute(
    sql.raw(`create or replace function flaky_update() returns trigger language plpgsql as $$
      begin if ${condition} then raise exception 'the database gave way' using errcode = '${sqlstate}'; end if;
      return null; end $$`),
  );
  await h.db.execute(
    sql.raw(
      'create trigger flaky_update before update on users for each statement execute function flaky_update()',
    ),
  );
}

async function healUpdates(): Promise<void> {
  await h.db.execute(sql.raw('drop trigger if exists flaky_update on users'));
  await h.db.execute(sql.raw('drop function if exists flaky_update()'));
  await h.db.execute(sql.raw('drop sequence if exists flaky_updates'));
}

/** A caller whose operations run in batches of 3 users, with short waits between attempts. */
function callerWith(delaysMs: readonly number[]) {
  return callerWithConfig(h.admin.ctx, { bulkBatchSize: 3, bulkTransientRetryDelaysMs: delaysMs });
}

async function assignBuyer(ids: string[], delaysMs: readonly number[]) {
  return callerWith(delaysMs).bulk.execute({
    operationId: randomUUID(),
    operation: { kind: 'assign_role', roleId: h.roleId('Buyer') },
    selection: { ids },
  });
}

/** Each user's results and audit events for the operation: exactly one of each when processed once. */
async function perUser(operationId: string, ids: string[]) {
  const items = await h.db
    .select({ userId: bulkOperationItems.userId, outcome: bulkOperationItems.outcome })
    .from(bulkOperationItems)
    .where(eq(bulkOperationItems.operationId, operationId));
  const audits = await h.db
    .select({ userId: auditEvents.userId })
    .from(auditEvents)
    .where(eq(auditEvents.operationId, operationId));
  const count = (rows: { userId: string | null }[], id: string) => rows.filter((r) => r.userId === id).length;
  return ids.map((id) => ({
    outcomes: items.filter((r) => r.userId === id).map((r) => r.outcome),
    audits: count(audits, id),
  }));
}

/**
 * Inserts into `table` of rows about a user (an audit event of a user, an invitation's e-mail) fail
 * on an unexpected error, not a transient one.
 */
async function failInsertsInto(table: 'audit_events' | 'email_outbox'): Promise<void> {
  await h.db.execute(
    sql.raw(`create or replace function refuse_insert() returns trigger language plpgsql as $$
      begin raise exception 'the disk is full'; end $$`),
  );
  await h.db.execute(
    sql.raw(`create trigger refuse_insert before insert on ${table} for each row
      when (new.${table === 'audit_events' ? 'user_id' : 'invitation_id'} is not null)
      execute function refuse_insert()`),
  );
}

async function healInserts(table: 'audit_events' | 'email_outbox'): Promise<void> {
  await h.db.execute(sql.raw(`drop trigger if exists refuse_insert on ${table}`));
  await h.db.execute(sql.raw('drop function if exists refuse_insert()'));
}

describe("a user's change commits with its audit event and its e-mail, or not at all", () => {
  it.each([
    ['its audit event', 'audit_events', 'assign_role'],
    ['its invitation e-mail', 'email_outbox', 'invite'],
  ] as const)(
    'a write of %s that fails leaves the users of its batch as they were',
    async (_, table, kind) => {
      const ids = await h.createUsers(6, {
        status: kind === 'invite' ? 'created' : 'active',
        role: 'Reader',
      });
      const before = await h.userRows(ids);
      await failInsertsInto(table);
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
      const done = await callerWith([])
        .bulk.execute({
          operationId: randomUUID(),
          operation: kind === 'invite' ? { kind } : { kind, roleId: h.roleId('Buyer') },
          selection: { ids },
        })
        .finally(async () => {
          logged.mockRestore();
          await healInserts(table);
        });
      expect(done).toMatchObject({ status: 'failed', counts: { change: 0, failed: 6 } });
      expect(await h.userRows(ids)).toEqual(before);
      expect(await perUser(done.id, ids)).toEqual(ids.map(() => ({ outcomes: ['failed'], audits: 0 })));
      expect(await h.db.select().from(invitations).where(inArray(invitations.userId, ids))).toEqual([]);
      expect(await h.db.select().from(emailOutbox).where(eq(emailOutbox.operationId, done.id))).toEqual([]);
    },
  );
});

describe('bulk operations on transient database errors', () => {
  afterAll(healUpdates);

  it.each([
    ['a serialization failure', '40001'],
    ['a deadlock', '40P01'],
    ['an administrator shutting the session down', '57P01'],
  ])('run a batch again after %s: every user changed once, none failed', async (_, sqlstate) => {
    const ids = await h.createUsers(9, { status: 'active', role: 'Reader' });
    // Four failures in a row: the first batch fails four times, then every batch passes.
    await failUpdates(sqlstate, 4);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const done = await assignBuyer(ids, [5, 10, 20, 40, 80]);
    const lines = logged.mock.calls.flat().join('\n');
    logged.mockRestore();
    await healUpdates();
    expect(done).toMatchObject({ status: 'succeeded', processed: 9, counts: { change: 9, failed: 0 } });
    expect(await perUser(done.id, ids)).toEqual(ids.map(() => ({ outcomes: ['change'], audits: 1 })));
    const rows = await h.db.select({ roleId: users.roleId }).from(users).where(inArray(users.id, ids));
    expect(rows.every((r) => r.roleId === h.roleId('Buyer'))).toBe(true);
    // Each new attempt is logged with the error's code, never its parameters.
    expect(lines.match(/running it again/g)).toHaveLength(4);
    expect(lines).toContain(`"code":"${sqlstate}"`);
  });

  it('stop the operation when the error outlasts every attempt: the users not reached are failed', async () => {
    const ids = await h.createUsers(6, { status: 'active', role: 'Reader' });
    await failUpdates('40001', null);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const done = await assignBuyer(ids, [5, 10]);
    const lines = logged.mock.calls.flat().join('\n');
    logged.mockRestore();
    await healUpdates();
    expect(done).toMatchObject({ status: 'failed', processed: 6, counts: { change: 0, failed: 6 } });
    // Three attempts of the first batch (two waits), then the operation stopped.
    expect(lines.match(/running it again/g)).toHaveLength(2);
    expect(lines).toContain('bulk operation stopped on an unexpected error');
    expect(await perUser(done.id, ids)).toEqual(ids.map(() => ({ outcomes: ['failed'], audits: 0 })));
  });
});
