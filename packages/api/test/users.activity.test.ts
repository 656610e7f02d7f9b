import { randomUUID } from 'node:crypto';
import { auditEvents } from '@roster/db';
import { auditSentenceText, changeNames, describeAuditEvent } from '@roster/domain';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Caller, expectTRPCError, MINUTE, useHarness } from './harness';

const h = useHarness({ admin: true });

const at = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

/** A user's activity as the drawer reads it: the domain's sentences, newest first. */
async function sentences(caller: Caller, id: string): Promise<string[]> {
  const [roles, catalog, activity] = await Promise.all([
    caller.roles.list(),
    caller.catalog.get(),
    caller.users.activity({ id }),
  ]);
  const names = changeNames(roles, catalog.orgUnits);
  return activity.items.map((event) =>
    auditSentenceText(
      describeAuditEvent({
        ...event,
        names,
        formatDate: (date) => date.toISOString().slice(0, 10),
        at: at(event.at),
      }),
    ),
  );
}

const nameOf = (user: { firstName: string; lastName: string }) => `${user.firstName} ${user.lastName}`;

describe('users.activity', () => {
  it('reads as sentences, each naming its actor and linking its operation, after every one-user operation', async () => {
    const admin = nameOf(h.admin.user);
    const user = await h.createUser({ status: 'created', role: 'Reader' });
    const ids = [user.id];
    const applied: { id: string; time: string }[] = [];
    const apply = async (operation: Parameters<typeof h.apply>[0]) => {
      h.clock.advance(2 * MINUTE);
      const operationResult = await h.apply(operation, ids);
      expect(operationResult.counts.change, operation.kind).toBe(1);
      applied.push({ id: operationResult.id, time: at(h.clock.now()) });
      return operationResult;
    };
    await apply({ kind: 'assign_role', roleId: h.roleId('Buyer') });
    await apply({ kind: 'invite' });
    await apply({ kind: 'resend_invitation' });
    await apply({ kind: 'cancel_invitation' });
    await apply({ kind: 'deactivate' });
    const reactivated = await apply({ kind: 'reactivate' });
    h.clock.advance(2 * MINUTE);
    const revert = await h.admin.caller.bulk.revert({ operationId: randomUUID(), id: reactivated.id });
    expect(revert.counts.change).toBe(1);
    applied.push({ id: revert.id, time: at(h.clock.now()) });

    const op = (n: number) => `— operation ${applied[n]?.id.slice(0, 8)}`;
    const time = (n: number) => applied[n]?.time;
    expect(await sentences(h.admin.caller, user.id)).toEqual([
      `Change reverted (Status: Created → Deactivated) by ${admin}, ${time(6)} ${op(6)}`,
      `Reactivated, as Created (never accepted an invitation) by ${admin}, ${time(5)} ${op(5)}`,
      `Deactivated by ${admin}, ${time(4)} ${op(4)}`,
      `Invitation cancelled by ${admin}, ${time(3)} ${op(3)}`,
      `Invitation sent again by ${admin}, ${time(2)} ${op(2)}`,
      `Invited by ${admin}, ${time(1)} ${op(1)}`,
      `Role changed from Reader to Buyer by ${admin}, ${time(0)} ${op(0)}`,
    ]);
    const activity = await h.admin.caller.users.activity({ id: user.id });
    expect(activity.items.map((e) => e.operationId)).toEqual(applied.map((a) => a.id).reverse());
    expect(activity.items.every((e) => e.actorId === h.admin.user.id && e.actorName === admin)).toBe(true);
    expect(activity.nextCursor).toBeNull();
  });

  it('reads a sign-in as the user’s own act, and a code no longer declared as a generic sentence', async () => {
    const reader = await h.signedIn('Reader');
    const signedInAt = at(h.clock.now());
    h.clock.advance(MINUTE);
    await h.db.insert(auditEvents).values({
      at: h.clock.now(),
      actorId: h.admin.user.id,
      userId: reader.user.id,
      // A code an older version stored, which the vocabulary does not declare.
      action: sql`${'user.role_changed'}`,
      before: { roleId: h.roleId('Reader') },
      after: { roleId: h.roleId('Buyer') },
    });
    const read = await sentences(h.admin.caller, reader.user.id);
    expect(read).toEqual([
      `Recorded activity by ${nameOf(h.admin.user)}, ${at(h.clock.now())}`,
      `Signed in, ${signedInAt}`,
    ]);
    expect(read.join(' ')).not.toMatch(/user\.|auth\.|_/);
  });

  it('pages newest first by cursor, and names an actor without a name by e-mail', async () => {
    const user = await h.createUser({ status: 'active' });
    const nameless = await h.createUser({ status: 'active', email: 'nameless@roster.test' });
    await h.db.execute(sql`update users set first_name = '', last_name = '' where id = ${nameless.id}`);
    for (let n = 0; n < 5; n += 1) {
      h.clock.advance(MINUTE);
      await h.db.insert(auditEvents).values({
        at: h.clock.now(),
        actorId: nameless.id,
        userId: user.id,
        action: 'user.deactivate',
        before: { status: 'active' },
        after: { status: 'deactivated' },
      });
    }
    const first = await h.admin.caller.users.activity({ id: user.id, limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toBe(first.items[2]?.id);
    // As tRPC's infinite queries ask for the next page (the web drawer's "Show earlier activity").
    const second = await h.admin.caller.users.activity({
      direction: 'forward',
      id: user.id,
      limit: 3,
      cursor: first.nextCursor ?? 0,
    });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const times = [...first.items, ...second.items].map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(first.items[0]?.actorName).toBe('nameless@roster.test');
  });

  it('refuses an unknown user, a malformed input and a non-administrator, writing nothing', async () => {
    const before = (await h.counts()).auditEvents;
    await expectTRPCError(h.admin.caller.users.activity({ id: randomUUID() }), 'NOT_FOUND', 'user_not_found');
    await expectTRPCError(h.admin.caller.users.activity({ id: 'x' }), 'BAD_REQUEST', 'invalid_input');
    await expectTRPCError(
      h.admin.caller.users.activity({ id: randomUUID(), limit: 1000 }),
      'BAD_REQUEST',
      'invalid_input',
    );
    expect((await h.counts()).auditEvents).toBe(before);
    const reader = await h.signedIn('Reader', { signIn: false });
    await expectTRPCError(reader.caller.users.activity({ id: reader.user.id }), 'FORBIDDEN', 'not_admin');
  });
});
