import { randomBytes, randomUUID } from 'node:crypto';
import { auditEvents, emailOutbox, invitations, sessions, users } from '@roster/db';
import { DomainError, RESEND_MIN_INTERVAL_MS, SIGN_IN_THROTTLE } from '@roster/domain';
import { and, eq, isNull } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type BulkOperation,
  type Caller,
  callerWithConfig,
  DAY,
  expectTRPCError,
  useHarness,
} from './harness';
import { invitationState, inviteThroughBulk, latestToken } from './invitationFixtures';

const h = useHarness();
let admin: Caller;

beforeEach(async () => {
  const { user, session } = await h.signedIn('Administrator', { email: 'ada@roster.test' });
  await h.db.update(users).set({ firstName: 'Ada', lastName: 'Lovelace' }).where(eq(users.id, user.id));
  admin = await h.asSession(session);
});

const accept = { firstName: 'Grace', lastName: 'Hopper', password: 'a long enough passphrase' };

/** A user invited by the administrator, and the token of the link in their e-mail. */
async function invitedUser(message?: string) {
  const user = await h.createUser({ status: 'created', withPassword: false });
  await inviteThroughBulk(admin, [user.id], message);
  return { user, token: await latestToken(h.db, user.id) };
}

/** One operation of the administrator's, on one user. */
const applyOne = (operation: BulkOperation, userId: string) =>
  admin.bulk.execute({ operationId: randomUUID(), operation, selection: { ids: [userId] } });

/** What a refused acceptance leaves as it was: all but the throttle's count of refused attempts. */
async function stateOf(userId: string) {
  const { signInThrottle: _countsRefusals, ...counts } = await h.counts();
  return { state: await invitationState(h.db, [userId]), counts };
}

/** Every refusal leaves users, invitations, sessions and audit exactly as they were. */
async function expectRefusedWithoutChange(
  token: string,
  userId: string,
  domainCode: string,
  code: Parameters<typeof expectTRPCError>[1],
) {
  const before = await stateOf(userId);
  const anonymous = await h.anonymous();
  await expectTRPCError(anonymous.invitations.inspect({ token }), code, domainCode);
  const { caller, cookie } = await h.request();
  await expectTRPCError(caller.invitations.accept({ token, ...accept }), code, domainCode);
  expect(cookie.token).toBeUndefined();
  expect(await stateOf(userId)).toEqual(before);
}

describe('invitations.inspect', () => {
  it('shows who invited whom, and opening the link changes nothing', async () => {
    const { user, token } = await invitedUser();
    const before = { state: await invitationState(h.db, [user.id]), counts: await h.counts() };
    const anonymous = await h.anonymous();
    const seen = await anonymous.invitations.inspect({ token });
    expect(seen).toMatchObject({
      email: user.email,
      inviterName: 'Ada Lovelace',
      platformName: 'Roster',
      expiresAt: new Date(h.clock.now().getTime() + h.config.invitationTtlDays * DAY),
    });
    await anonymous.invitations.inspect({ token });
    expect({ state: await invitationState(h.db, [user.id]), counts: await h.counts() }).toEqual(before);
  });
});

describe('invitations.accept', () => {
  it('makes the user active with their name and password, accepts the invitation and signs them in', async () => {
    const { user, token } = await invitedUser();
    const { caller, cookie } = await h.request();
    const me = await caller.invitations.accept({ token, ...accept, firstName: '  Grace ' });
    expect(me).toMatchObject({ id: user.id, email: user.email, firstName: 'Grace', isAdmin: false });

    const [row] = await h.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ status: 'active', firstName: 'Grace', lastName: 'Hopper' });
    expect(row?.activatedAt).toEqual(h.clock.now());
    expect(row?.passwordHash).toMatch(/^scrypt\$/);
    const [invitation] = await h.db.select().from(invitations).where(eq(invitations.userId, user.id));
    expect(invitation).toMatchObject({ status: 'accepted', acceptedAt: h.clock.now() });

    // Signed in: the cookie's session is the user's, and the password works from now on.
    expect(cookie.token).toBeDefined();
    const signedIn = await h.asSession(cookie.token ?? '');
    expect(await signedIn.auth.me()).toMatchObject({ id: user.id, firstName: 'Grace' });
    await h.signIn(user.email, accept.password);

    const audit = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, user.id), eq(auditEvents.action, 'invitation.accepted')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: user.id,
      before: { status: 'invited', firstName: 'Test', lastName: user.lastName },
      after: { status: 'active', firstName: 'Grace', lastName: 'Hopper' },
    });
    const signIns = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, user.id), eq(auditEvents.action, 'auth.sign_in')));
    expect(signIns.map((e) => e.meta)).toContainEqual(expect.objectContaining({ via: 'invitation' }));
    expect(JSON.stringify(audit[0])).not.toContain(accept.password);
  });

  it('is single use: the same link again is refused as used and changes nothing', async () => {
    const { user, token } = await invitedUser();
    await (await h.anonymous()).invitations.accept({ token, ...accept });
    await expectRefusedWithoutChange(token, user.id, 'invitation_used', 'CONFLICT');
  });

  it('lets only one of two simultaneous submissions of one link through', async () => {
    const { user, token } = await invitedUser();
    const [a, b] = [await h.anonymous(), await h.anonymous()];
    const outcomes = await Promise.allSettled([
      a.invitations.accept({ token, ...accept }),
      b.invitations.accept({ token, ...accept, firstName: 'Other' }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const sessionsOfUser = await h.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(sessionsOfUser).toHaveLength(1);
    const accepted = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, user.id), eq(auditEvents.action, 'invitation.accepted')));
    expect(accepted).toHaveLength(1);
  });

  it('refuses an expired link, and accepts the same link a moment before expiry', async () => {
    const { user, token } = await invitedUser();
    h.clock.advance(h.config.invitationTtlDays * DAY);
    await expectRefusedWithoutChange(token, user.id, 'invitation_expired', 'CONFLICT');
    h.clock.advance(-1);
    await (await h.anonymous()).invitations.accept({ token, ...accept });
  });

  it('is valid for the configured number of days (ROSTER_INVITATION_TTL_DAYS), sent or resent', async () => {
    const { ctx } = await h.signedIn('Administrator', { signIn: false, email: 'grace@roster.test' });
    const twoDays = callerWithConfig(ctx, { invitationTtlDays: 2 });
    expect(h.config.invitationTtlDays).not.toBe(2);
    const user = await h.createUser({ status: 'created', withPassword: false });
    const send = (kind: 'invite' | 'resend_invitation') =>
      twoDays.bulk.execute({ operationId: randomUUID(), operation: { kind }, selection: { ids: [user.id] } });
    const expiresAt = async (token: string) =>
      (await (await h.anonymous()).invitations.inspect({ token })).expiresAt;
    await send('invite');
    const token = await latestToken(h.db, user.id);
    expect(await expiresAt(token)).toEqual(new Date(h.clock.now().getTime() + 2 * DAY));
    h.clock.advance(2 * DAY);
    await expectRefusedWithoutChange(token, user.id, 'invitation_expired', 'CONFLICT');
    expect((await send('resend_invitation')).counts.change).toBe(1);
    const resent = await latestToken(h.db, user.id);
    expect(resent).not.toBe(token);
    expect(await expiresAt(resent)).toEqual(new Date(h.clock.now().getTime() + 2 * DAY));
  });

  it('refuses a cancelled link', async () => {
    const { user, token } = await invitedUser();
    await applyOne({ kind: 'cancel_invitation' }, user.id);
    await expectRefusedWithoutChange(token, user.id, 'invitation_cancelled', 'CONFLICT');
  });

  it('refuses the link of a user deactivated since', async () => {
    const { user, token } = await invitedUser();
    await applyOne({ kind: 'deactivate' }, user.id);
    await expectRefusedWithoutChange(token, user.id, 'invitation_cancelled', 'CONFLICT');
  });

  it('kills the old link after a resend; the new link works', async () => {
    const { user, token: oldToken } = await invitedUser('Welcome aboard');
    h.clock.advance(RESEND_MIN_INTERVAL_MS + 1000);
    const resend = await applyOne({ kind: 'resend_invitation' }, user.id);
    expect(resend.counts.change).toBe(1);
    const newToken = await latestToken(h.db, user.id);
    expect(newToken).not.toBe(oldToken);
    await expectRefusedWithoutChange(oldToken, user.id, 'invitation_superseded', 'CONFLICT');
    const anonymous = await h.anonymous();
    expect(await anonymous.invitations.inspect({ token: newToken })).toMatchObject({ email: user.email });
    await anonymous.invitations.accept({ token: newToken, ...accept });
    // The superseded link stays dead after the new one was used.
    await expectRefusedWithoutChange(oldToken, user.id, 'invitation_superseded', 'CONFLICT');
  });

  it('refuses malformed and unknown tokens', async () => {
    const { user } = await invitedUser();
    await expectRefusedWithoutChange('abc', user.id, 'invitation_malformed', 'BAD_REQUEST');
    await expectRefusedWithoutChange(`${'x'.repeat(42)}!`, user.id, 'invitation_malformed', 'BAD_REQUEST');
    const unknown = randomBytes(32).toString('base64url');
    await expectRefusedWithoutChange(unknown, user.id, 'invitation_unknown', 'NOT_FOUND');
  });

  it('refuses weak passwords with the rules they break, and empty names, changing nothing', async () => {
    const { user, token } = await invitedUser();
    const before = await stateOf(user.id);
    const anonymous = await h.anonymous();
    const short = await expectTRPCError(
      anonymous.invitations.accept({ token, ...accept, password: 'short' }),
      'BAD_REQUEST',
      'weak_password',
    );
    expect(short.message).toBe('Use at least 12 characters.');
    const personal = await expectTRPCError(
      anonymous.invitations.accept({ token, ...accept, password: 'grace hopper rocks' }),
      'BAD_REQUEST',
      'weak_password',
    );
    expect(personal.message).toBe('Do not use your name or e-mail address in your password.');
    await expectTRPCError(
      anonymous.invitations.accept({ token, ...accept, firstName: '   ' }),
      'BAD_REQUEST',
      'invalid_input',
    );
    expect(await stateOf(user.id)).toEqual(before);
  });
});

describe('invitations.accept throttling (issue 16)', () => {
  const STRANGER = '203.0.113.9';
  const INVITEE = '198.51.100.7';
  const refuseUnknown = async (times: number, ip: string) => {
    for (let i = 0; i < times; i += 1) {
      await expectTRPCError(
        (await h.anonymous({ ip })).invitations.accept({
          token: randomBytes(32).toString('base64url'),
          ...accept,
        }),
        'NOT_FOUND',
        'invitation_unknown',
      );
    }
  };
  const throttled = async (token: string, ip: string) => {
    const error = await expectTRPCError(
      (await h.anonymous({ ip })).invitations.accept({ token, ...accept }),
      'TOO_MANY_REQUESTS',
      'too_many_attempts',
    );
    return {
      message: error.message,
      retryAfterMs: error.cause instanceof DomainError ? error.cause.retryAfterMs : undefined,
    };
  };

  it('after 10 refused acceptances from one address, its next attempts wait 1 s, then 2 s, even with a good link', async () => {
    const { user, token } = await invitedUser();
    await refuseUnknown(SIGN_IN_THROTTLE.invitationFreeFailures, STRANGER);

    const before = { state: await invitationState(h.db, [user.id]), counts: await h.counts() };
    expect(await throttled(token, STRANGER)).toEqual({
      message: 'Too many refused invitation acceptances from this address. Try again in 1 second.',
      retryAfterMs: 1_000,
    });
    // A throttled attempt checks no link, hashes no password and writes nothing, not even a count.
    expect({ state: await invitationState(h.db, [user.id]), counts: await h.counts() }).toEqual(before);

    h.clock.advance(1_000);
    await refuseUnknown(1, STRANGER);
    h.clock.advance(2_000 - 1);
    expect((await throttled(token, STRANGER)).retryAfterMs).toBe(1);
    h.clock.advance(1);
    await (await h.anonymous({ ip: STRANGER })).invitations.accept({ token, ...accept });
    expect((await invitationState(h.db, [user.id])).people).toMatchObject([{ status: 'active' }]);
  });

  it('a stranger’s refused attempts from another address never stop the invitee accepting', async () => {
    const { user, token } = await invitedUser();
    await refuseUnknown(SIGN_IN_THROTTLE.invitationFreeFailures, STRANGER);
    for (let i = 0; i < 3; i += 1) await throttled(token, STRANGER);
    const me = await (await h.anonymous({ ip: INVITEE })).invitations.accept({ token, ...accept });
    expect(me).toMatchObject({ id: user.id });
  });

  it('counts an acceptance that succeeds as no refusal', async () => {
    const first = await invitedUser();
    const second = await invitedUser();
    await refuseUnknown(SIGN_IN_THROTTLE.invitationFreeFailures - 1, INVITEE);
    await (await h.anonymous({ ip: INVITEE })).invitations.accept({ token: first.token, ...accept });
    // Nine refusals so far, not ten: the next attempt is still checked.
    await (await h.anonymous({ ip: INVITEE })).invitations.accept({ token: second.token, ...accept });
    await refuseUnknown(1, INVITEE);
    await throttled(first.token, INVITEE);
  });
});

describe('the outbox without SMTP', () => {
  it('keeps invitation e-mails as captured, listed for administrators with the message as sent', async () => {
    const { user } = await invitedUser('See you <soon>');
    const list = await admin.outbox.list({});
    expect(list.delivery).toBe('outbox');
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      to: user.email,
      status: 'captured',
      subject: 'Ada Lovelace invited you to Roster',
      invitationStatus: 'pending',
      userId: user.id,
    });
    const message = await admin.outbox.get({ id: list.items[0]?.id ?? '' });
    expect(message.text).toContain('“See you <soon>”');
    expect(message.html).toContain('See you &#60;soon&#62;');
    expect(message.html).toContain('http://localhost:3000/invite/');
    const [row] = await h.db.select().from(emailOutbox).where(isNull(emailOutbox.sentAt));
    expect(row?.status).toBe('captured');
  });

  it('filters by status and recipient, pages newest first, and refuses non-administrators', async () => {
    const people = await Promise.all(
      ['a@x.test', 'b@x.test', 'c_d@x.test'].map((email) =>
        h.createUser({ email, status: 'created', withPassword: false }),
      ),
    );
    await inviteThroughBulk(
      admin,
      people.map((p) => p.id),
    );
    const first = await admin.outbox.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await admin.outbox.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((m) => m.to))).toEqual(
      new Set(people.map((p) => p.email)),
    );
    expect((await admin.outbox.list({ search: 'c_d' })).items.map((m) => m.to)).toEqual(['c_d@x.test']);
    expect((await admin.outbox.list({ search: 'c_' })).items.map((m) => m.to)).toEqual(['c_d@x.test']);
    expect((await admin.outbox.list({ status: ['sent'] })).items).toEqual([]);
    await expectTRPCError(admin.outbox.get({ id: randomUUID() }), 'NOT_FOUND', 'outbox_message_not_found');

    const reader = await h.signedIn('Reader');
    const asReader = await h.asSession(reader.session);
    await expectTRPCError(asReader.outbox.list({}), 'FORBIDDEN', 'not_admin');
    await expectTRPCError(asReader.outbox.get({ id: first.items[0]?.id ?? '' }), 'FORBIDDEN', 'not_admin');
  });
});
