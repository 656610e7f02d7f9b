import { apiTokens, auditEvents, sessions, signInThrottle, users } from '@roster/db';
import { signal } from '@roster/db/testing';
import { SIGN_IN_ANY_EMAIL, signInThrottleAddress } from '@roster/domain';
import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../src';
import {
  baseRequest,
  callByPath,
  DAY,
  errorShapeOf,
  expectTRPCError,
  MINUTE,
  PASSWORD,
  type RowCounts,
  START,
  type UserRow,
  useHarness,
} from './harness';

const t = useHarness();

const auditRows = () => t.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
const sessionRows = () => t.db.select().from(sessions);
const userById = async (id: string) => {
  const [row] = await t.db.select().from(users).where(eq(users.id, id));
  if (!row) throw new Error(`user ${id} is gone`);
  return row;
};

/** What auth.signIn and auth.me answer for the administrator admin@roster.test. */
const signedInAdmin = (admin: UserRow) => ({
  id: admin.id,
  email: 'admin@roster.test',
  firstName: admin.firstName,
  lastName: admin.lastName,
  roleName: 'Administrator',
  isAdmin: true,
});

describe('auth.signIn with the right password', () => {
  it('returns the user, sets a session cookie, records the login and audits it', async () => {
    const admin = await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const { caller, cookie } = await t.request();

    const signedIn = await caller.auth.signIn({ email: 'admin@roster.test', password: PASSWORD });

    expect(signedIn).toEqual(signedInAdmin(admin));
    // 256 random bits, base64url.
    expect(cookie.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.expiresAt).toEqual(new Date(START.getTime() + 14 * DAY));
    expect(cookie.cleared).toBe(false);

    const [session, ...others] = await sessionRows();
    expect(others).toEqual([]);
    expect(session).toMatchObject({ userId: admin.id, revokedAt: null, expiresAt: cookie.expiresAt });
    // Only the hash of the cookie is stored.
    expect(session?.tokenHash).toBe(hashToken(cookie.token ?? ''));
    expect(session?.tokenHash).not.toBe(cookie.token);

    expect((await userById(admin.id)).lastLoginAt).toEqual(START);

    const audit = await auditRows();
    expect(audit.map((row) => row.action)).toEqual(['auth.sign_in']);
    expect(audit[0]).toMatchObject({ actorId: admin.id, userId: admin.id, at: START });
    expect(audit[0]?.meta).toMatchObject({ ip: '127.0.0.1', userAgent: 'vitest' });
  });

  it('opens a session that auth.me and admin procedures recognise', async () => {
    const admin = await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const session = await t.signIn('admin@roster.test');

    const me = await (await t.asSession(session)).auth.me();
    expect(me).toEqual(signedInAdmin(admin));
    await expect((await t.asSession(session)).tokens.list()).resolves.toEqual([]);
    expect(await (await t.anonymous()).auth.me()).toBeNull();
  });

  it('says a non-administrator is not an administrator', async () => {
    await t.createUser({ email: 'reader@roster.test', role: 'Reader' });
    const { caller } = await t.request();
    const signedIn = await caller.auth.signIn({ email: 'reader@roster.test', password: PASSWORD });
    expect(signedIn).toMatchObject({ roleName: 'Reader', isAdmin: false });
  });

  it('matches the e-mail case-insensitively and trimmed', async () => {
    const admin = await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const { caller, cookie } = await t.request();
    const signedIn = await caller.auth.signIn({ email: '  ADMIN@Roster.TEST ', password: PASSWORD });
    expect(signedIn).toMatchObject({ id: admin.id, email: 'admin@roster.test' });
    expect(cookie.token).toBeDefined();
    expect(await sessionRows()).toHaveLength(1);
  });

  it('does not match a password that differs only in case or spacing', async () => {
    await t.createUser({ email: 'admin@roster.test' });
    for (const password of [PASSWORD.toUpperCase(), ` ${PASSWORD}`, `${PASSWORD} `]) {
      const { caller } = await t.request();
      await expectTRPCError(
        caller.auth.signIn({ email: 'admin@roster.test', password }),
        'UNAUTHORIZED',
        'invalid_credentials',
      );
    }
    expect(await sessionRows()).toEqual([]);
  });

  it('opens a session that ends when it expires (14 days)', async () => {
    await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const session = await t.signIn('admin@roster.test');
    t.clock.advance(14 * DAY - 1);
    expect(await (await t.asSession(session)).auth.me()).not.toBeNull();
    t.clock.advance(1);
    expect(await (await t.asSession(session)).auth.me()).toBeNull();
    await expectTRPCError((await t.asSession(session)).tokens.list(), 'UNAUTHORIZED', 'not_signed_in');
  });
});

describe('auth.signIn refusals', () => {
  it('answers a wrong password and an unknown e-mail with the same code and message, writing only the audit', async () => {
    const user = await t.createUser({ email: 'known@roster.test' });
    const before = await t.counts();

    const wrongPassword = await expectTRPCError(
      (await t.anonymous()).auth.signIn({ email: 'known@roster.test', password: 'not the password' }),
      'UNAUTHORIZED',
      'invalid_credentials',
    );
    const unknownEmail = await expectTRPCError(
      (await t.anonymous()).auth.signIn({ email: 'nobody@roster.test', password: PASSWORD }),
      'UNAUTHORIZED',
      'invalid_credentials',
    );
    expect(unknownEmail.message).toBe(wrongPassword.message);

    const audit = await auditRows();
    expect(audit.map((row) => row.action)).toEqual(['auth.sign_in_failed', 'auth.sign_in_failed']);
    expect(audit[0]).toMatchObject({ userId: user.id });
    expect(audit[0]?.meta).toMatchObject({ email: 'known@roster.test' });
    expect(audit[1]).toMatchObject({ userId: null });
    expect(audit[1]?.meta).toMatchObject({ email: 'nobody@roster.test' });

    const after = await t.counts();
    expect(after).toEqual<RowCounts>({
      ...before,
      auditEvents: before.auditEvents + 2,
      // One count per (address, e-mail) and one for the address.
      signInThrottle: 3,
    });
    expect((await userById(user.id)).lastLoginAt).toBeNull();
  });

  it('refuses a deactivated user with the right password, and with a wrong one says only "invalid"', async () => {
    const user = await t.createUser({ email: 'gone@roster.test', status: 'deactivated' });
    await expectTRPCError(
      (await t.anonymous()).auth.signIn({ email: 'gone@roster.test', password: PASSWORD }),
      'UNAUTHORIZED',
      'account_deactivated',
    );
    // Without the right password, the account's status is nobody's business.
    await expectTRPCError(
      (await t.anonymous()).auth.signIn({ email: 'gone@roster.test', password: 'wrong password' }),
      'UNAUTHORIZED',
      'invalid_credentials',
    );
    expect(await sessionRows()).toEqual([]);
    expect((await userById(user.id)).lastLoginAt).toBeNull();
    expect(await t.auditActions()).toEqual(['auth.sign_in_failed', 'auth.sign_in_failed']);
  });

  it.each(['invited', 'created'] as const)(
    'refuses an %s user with a password as account_not_active',
    async (status) => {
      const user = await t.createUser({ email: 'pending@roster.test', status });
      const { caller, cookie } = await t.request();
      await expectTRPCError(
        caller.auth.signIn({ email: 'pending@roster.test', password: PASSWORD }),
        'UNAUTHORIZED',
        'account_not_active',
      );
      expect(cookie.token).toBeUndefined();
      expect(await sessionRows()).toEqual([]);
      expect((await userById(user.id)).lastLoginAt).toBeNull();
      expect(await t.auditActions()).toEqual(['auth.sign_in_failed']);
    },
  );

  it('answers invalid_credentials for an invited user who has no password yet, whatever is typed', async () => {
    await t.createUser({ email: 'invitee@roster.test', status: 'invited', withPassword: false });
    for (const password of [PASSWORD, 'anything']) {
      await expectTRPCError(
        (await t.anonymous()).auth.signIn({ email: 'invitee@roster.test', password }),
        'UNAUTHORIZED',
        'invalid_credentials',
      );
    }
    expect(await sessionRows()).toEqual([]);
  });
});

describe('sign-in throttling', () => {
  const STRANGER = '203.0.113.9';
  const OWNER = '198.51.100.7';
  const failTimes = async (email: string, times: number, ip = '127.0.0.1') => {
    for (let i = 0; i < times; i += 1) {
      await expectTRPCError(
        (await t.anonymous({ ip })).auth.signIn({ email, password: `wrong ${i}` }),
        'UNAUTHORIZED',
        'invalid_credentials',
      );
    }
  };
  const refused = async (email: string, ip = '127.0.0.1', password = PASSWORD) =>
    expectTRPCError(
      (await t.anonymous({ ip })).auth.signIn({ email, password }),
      'TOO_MANY_REQUESTS',
      'too_many_attempts',
    );
  const emailRows = async () =>
    (await t.db.select().from(signInThrottle)).filter((row) => row.email !== SIGN_IN_ANY_EMAIL);

  it('after 5 failures from one address, its next attempts wait 1 s, then 2 s, …, even with the right password', async () => {
    await t.createUser({ email: 'target@roster.test', role: 'Administrator' });
    await failTimes('target@roster.test', 5);

    const before = await t.counts();
    const error = await refused('target@roster.test');
    expect(error.message).toBe('Too many failed sign-ins from this address. Try again in 1 second.');
    // A refused attempt checks no password and writes nothing (no audit row, no count).
    expect(await t.counts()).toEqual(before);
    expect(await sessionRows()).toEqual([]);

    t.clock.advance(1_000);
    await failTimes('target@roster.test', 1);
    t.clock.advance(2_000 - 1);
    await refused('target@roster.test');
    t.clock.advance(1);
    await failTimes('target@roster.test', 1);
    t.clock.advance(4_000 - 1);
    expect((await refused('target@roster.test')).message).toBe(
      'Too many failed sign-ins from this address. Try again in 1 second.',
    );
    t.clock.advance(1);
    await t.signIn('target@roster.test');
    expect(await sessionRows()).toHaveLength(1);
    expect(await t.auditActions()).toEqual([
      ...Array.from({ length: 7 }, () => 'auth.sign_in_failed'),
      'auth.sign_in',
    ]);
  });

  it('the wait grows to 15 minutes at most, never a lock', async () => {
    await t.createUser({ email: 'target@roster.test' });
    await failTimes('target@roster.test', 5);
    for (let wait = 1_000; wait < 15 * MINUTE; wait *= 2) {
      t.clock.advance(wait);
      await failTimes('target@roster.test', 1);
    }
    expect((await refused('target@roster.test')).message).toBe(
      'Too many failed sign-ins from this address. Try again in 15 minutes.',
    );
    t.clock.advance(15 * MINUTE);
    await t.signIn('target@roster.test');
  });

  it('a stranger’s wrong passwords from another address never stop the owner signing in', async () => {
    await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    await failTimes('admin@roster.test', 5, STRANGER);
    await refused('admin@roster.test', STRANGER);
    // The owner, at once, from their own address.
    const { caller, cookie } = await t.request({ ip: OWNER });
    await caller.auth.signIn({ email: 'admin@roster.test', password: PASSWORD });
    expect(cookie.token).toBeDefined();
    // The stranger is still slowed.
    await refused('admin@roster.test', STRANGER);
  });

  it('one address trying many e-mails is slowed after 20 failures, for every e-mail; other addresses are not', async () => {
    await t.createUser({ email: 'bystander@roster.test' });
    for (let i = 0; i < 20; i += 1) await failTimes(`guess${i}@roster.test`, 1, STRANGER);
    await refused('another@roster.test', STRANGER);
    await refused('bystander@roster.test', STRANGER);
    await t
      .request({ ip: OWNER })
      .then(({ caller }) => caller.auth.signIn({ email: 'bystander@roster.test', password: PASSWORD }));
  });

  it('counts an IPv6 host by its /64 network, and an IPv4-mapped address as IPv4', async () => {
    await t.createUser({ email: 'target@roster.test' });
    for (let i = 1; i <= 5; i += 1) await failTimes('target@roster.test', 1, `2001:db8:1:2::${i}`);
    await refused('target@roster.test', '2001:db8:1:2:ffff::9');
    await t
      .request({ ip: '2001:db8:1:3::1' })
      .then(({ caller }) => caller.auth.signIn({ email: 'target@roster.test', password: PASSWORD }));
    await failTimes('other@roster.test', 5, '::ffff:192.0.2.1');
    await refused('other@roster.test', '192.0.2.1');
  });

  it('counts failures of differently written forms of the same e-mail together', async () => {
    await t.createUser({ email: 'target@roster.test' });
    for (const email of [
      'TARGET@roster.test',
      ' target@ROSTER.test',
      'Target@Roster.Test ',
      'target@roster.test',
    ]) {
      await failTimes(email, 1);
    }
    await failTimes('  TARGET@ROSTER.TEST', 1);
    await refused('target@roster.test');
    // One counter, kept under the normalized e-mail.
    expect((await emailRows()).map((row) => row.email)).toEqual(['target@roster.test']);
  });

  it('slows unknown e-mails the same way, so the wait reveals nothing', async () => {
    await failTimes('nobody@roster.test', 5);
    await refused('nobody@roster.test');
  });

  it('resets the count of the e-mail at that address after a successful sign-in', async () => {
    await t.createUser({ email: 'target@roster.test' });
    await failTimes('target@roster.test', 4);
    await t.signIn('target@roster.test');
    expect(await emailRows()).toEqual([]);
    // The address keeps its 4 failures; the successful attempt is not one of them.
    const [address] = await t.db.select().from(signInThrottle);
    expect(address).toMatchObject({ email: SIGN_IN_ANY_EMAIL, failures: 4 });
    // Had the 4 failures above still counted, the fifth below would slow the e-mail.
    await failTimes('target@roster.test', 4);
    await t.signIn('target@roster.test');
    expect(await sessionRows()).toHaveLength(2);
  });

  it('checks at most 5 passwords when many attempts arrive at once', async () => {
    await t.createUser({ email: 'target@roster.test' });
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, async (_, i) =>
        (await t.anonymous()).auth.signIn({ email: 'target@roster.test', password: `guess ${i}` }),
      ),
    );
    const codes = attempts.map((attempt) =>
      attempt.status === 'rejected' && attempt.reason instanceof TRPCError
        ? errorShapeOf(attempt.reason).data.code
        : attempt.status,
    );
    // Every attempt is refused, and no more than 5 of them got a password checked.
    expect(codes.filter((code) => code === 'invalid_credentials').length).toBeLessThanOrEqual(5);
    expect(codes.filter((code) => code !== 'invalid_credentials' && code !== 'too_many_attempts')).toEqual(
      [],
    );
  });

  it('forgets failures after an hour without one', async () => {
    await t.createUser({ email: 'target@roster.test' });
    await failTimes('target@roster.test', 5);
    // Still remembered just before the hour: the sixth failure makes the next attempt wait 2 s.
    t.clock.advance(60 * MINUTE - 1);
    await failTimes('target@roster.test', 1);
    await refused('target@roster.test');
    t.clock.advance(60 * MINUTE);
    await failTimes('target@roster.test', 4);
    await t.signIn('target@roster.test');
  });
});

describe('auth.signOut', () => {
  it('revokes the session: the old cookie no longer authenticates; the sign-out is audited', async () => {
    const admin = await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const session = await t.signIn('admin@roster.test');
    t.clock.advance(MINUTE);

    const { caller, cookie } = await t.request({ sessionToken: session });
    await expect(caller.auth.signOut()).resolves.toEqual({ signedOut: true });
    expect(cookie.cleared).toBe(true);

    const [row] = await sessionRows();
    expect(row?.revokedAt).toEqual(t.clock.now());

    const after = await t.asSession(session);
    expect(await after.auth.me()).toBeNull();
    await expectTRPCError(after.tokens.list(), 'UNAUTHORIZED', 'not_signed_in');

    const audit = await auditRows();
    expect(audit.map((r) => r.action)).toEqual(['auth.sign_in', 'auth.sign_out']);
    expect(audit[1]).toMatchObject({ actorId: admin.id, userId: admin.id });
  });

  it('ends only the session it is called with', async () => {
    await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const laptop = await t.signIn('admin@roster.test');
    const phone = await t.signIn('admin@roster.test');
    await (await t.asSession(laptop)).auth.signOut();
    expect(await (await t.asSession(laptop)).auth.me()).toBeNull();
    expect(await (await t.asSession(phone)).auth.me()).toMatchObject({ email: 'admin@roster.test' });
  });

  it('is harmless without a session: clears the cookie, writes nothing', async () => {
    const before = await t.counts();
    const { caller, cookie } = await t.request({ sessionToken: 'not-a-session' });
    await expect(caller.auth.signOut()).resolves.toEqual({ signedOut: true });
    expect(cookie.cleared).toBe(true);
    expect(await t.counts()).toEqual(before);
  });
});

describe('a session whose user is no longer active', () => {
  it.each(['deactivated', 'invited'] as const)(
    'no longer authenticates once the user is %s',
    async (status) => {
      const admin = await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
      const session = await t.signIn('admin@roster.test');
      await expect((await t.asSession(session)).tokens.list()).resolves.toEqual([]);

      await t.db.update(users).set({ status }).where(eq(users.id, admin.id));

      const caller = await t.asSession(session);
      expect(await caller.auth.me()).toBeNull();
      await expectTRPCError(caller.tokens.list(), 'UNAUTHORIZED', 'not_signed_in');
    },
  );
});

describe('malformed sign-in payloads', () => {
  const signInProcedure = { path: 'auth.signIn', type: 'mutation' } as const;
  const cases: [string, unknown][] = [
    ['no input at all', undefined],
    ['null', null],
    ['an empty object', {}],
    ['a string', 'admin@roster.test'],
    ['an array', ['admin@roster.test', PASSWORD]],
    ['a missing password', { email: 'admin@roster.test' }],
    ['a missing e-mail', { password: PASSWORD }],
    ['an empty password', { email: 'admin@roster.test', password: '' }],
    ['an e-mail that is not an e-mail', { email: 'admin-at-roster.test', password: PASSWORD }],
    ['an empty e-mail', { email: '   ', password: PASSWORD }],
    ['an e-mail of 300 characters', { email: `${'a'.repeat(288)}@roster.test`, password: PASSWORD }],
    ['a password of 10,000 characters', { email: 'admin@roster.test', password: 'x'.repeat(10_000) }],
    ['a number for the e-mail', { email: 42, password: PASSWORD }],
    ['a boolean for the password', { email: 'admin@roster.test', password: true }],
    ['a number for the password', { email: 'admin@roster.test', password: 12345678 }],
    ['an array for the e-mail', { email: ['admin@roster.test'], password: PASSWORD }],
    ['an object for the password', { email: 'admin@roster.test', password: { $ne: null } }],
    ['nulls', { email: null, password: null }],
  ];

  it.each(cases)('refuses %s with invalid_input and writes nothing', async (_name, input) => {
    await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const before = await t.counts();
    const { ctx, cookie } = await t.request();

    const error = await expectTRPCError(
      callByPath(ctx, signInProcedure, input),
      'BAD_REQUEST',
      'invalid_input',
    );

    expect(error.message.length).toBeGreaterThan(0);
    expect(cookie.token).toBeUndefined();
    expect(await t.counts()).toEqual(before);
    expect(await t.db.select().from(signInThrottle)).toEqual([]);
  });

  it('says which field is wrong', async () => {
    const { ctx } = await t.request();
    const error = await expectTRPCError(
      callByPath(ctx, signInProcedure, { email: 'admin@roster.test', password: 'x'.repeat(10_000) }),
      'BAD_REQUEST',
      'invalid_input',
    );
    const { data, message } = errorShapeOf(error);
    expect(data.issues).toEqual([{ path: ['password'], message: 'This password is too long.' }]);
    expect(message).toBe('password: This password is too long.');
  });
});

describe('a sign-in racing a deactivation', () => {
  // Two connections at once: PostgreSQL's (the embedded database runs one statement at a time, and
  // its transactions one after the other, so it cannot hold one open while the other waits on it).
  it.runIf(process.env.DATABASE_URL)(
    'is refused when the deactivation commits while the password is checked: no session survives it',
    async () => {
      const user = await t.createUser({ email: 'leaving@roster.test' });
      const { fired: held, fire: release } = signal();
      const { fired: lockTaken, fire: locked } = signal();
      // A deactivation as the bulk engine does it: the user's row locked, the status changed, every
      // session revoked; committed only once the sign-in below has read the user and checked the password.
      const deactivating = t.db.transaction(async (tx) => {
        await tx.select({ id: users.id }).from(users).where(eq(users.id, user.id)).for('update');
        await tx.update(users).set({ status: 'deactivated' }).where(eq(users.id, user.id));
        await tx.update(sessions).set({ revokedAt: START }).where(eq(sessions.userId, user.id));
        locked();
        await held;
      });
      await lockTaken;
      const { caller } = await t.request();
      // Its refusal awaited from the start: it comes while the deactivation is still being awaited.
      const refused = expectTRPCError(
        caller.auth.signIn({ email: 'leaving@roster.test', password: PASSWORD }),
        'UNAUTHORIZED',
        'account_deactivated',
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      release();
      await deactivating;
      await refused;
      const open = (await sessionRows()).filter((s) => s.userId === user.id && s.revokedAt === null);
      expect(open).toEqual([]);
    },
  );
});

describe('an API token created while its owner is deactivated', () => {
  it.runIf(process.env.DATABASE_URL)(
    'is refused when the deactivation commits meanwhile: no token survives it',
    async () => {
      const admin = await t.signedIn('Administrator', { email: 'leaving.admin@roster.test' });
      const { fired: held, fire: release } = signal();
      const { fired: lockTaken, fire: locked } = signal();
      const deactivating = t.db.transaction(async (tx) => {
        await tx.select({ id: users.id }).from(users).where(eq(users.id, admin.user.id)).for('update');
        await tx.update(users).set({ status: 'deactivated' }).where(eq(users.id, admin.user.id));
        await tx.update(apiTokens).set({ revokedAt: START }).where(eq(apiTokens.userId, admin.user.id));
        locked();
        await held;
      });
      await lockTaken;
      // Its refusal awaited from the start: it comes while the deactivation is still being awaited.
      const refused = expectTRPCError(
        admin.caller.tokens.create({ name: 'racing' }),
        'UNAUTHORIZED',
        'account_deactivated',
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      release();
      await deactivating;
      await refused;
      const open = (await t.db.select().from(apiTokens)).filter(
        (token) => token.userId === admin.user.id && token.revokedAt === null,
      );
      expect(open).toEqual([]);
    },
  );
});

describe('a sign-in that succeeds while another attempt from the same address is being admitted', () => {
  it.runIf(process.env.DATABASE_URL)(
    'takes the throttle rows in the order admitting takes them: neither waits for the other forever',
    async () => {
      await t.createUser({ email: 'twice@roster.test' });
      const { caller } = await t.request();
      const address = signInThrottleAddress(baseRequest.ip);
      const failuresOfAddress = async () =>
        (
          await t.db
            .select({ failures: signInThrottle.failures })
            .from(signInThrottle)
            .where(and(eq(signInThrottle.address, address), eq(signInThrottle.email, SIGN_IN_ANY_EMAIL)))
        )[0]?.failures ?? 0;
      // Settled from the start: an outcome that comes while the test awaits something else is kept.
      const signingIn = Promise.allSettled([
        caller.auth.signIn({ email: 'twice@roster.test', password: PASSWORD }),
      ]);
      // Admitted (its attempt counted) and now checking the password, for ~100 ms of scrypt.
      while ((await failuresOfAddress()) === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      const { fired: held, fire: release } = signal();
      // Another attempt from the address, admitted as admitAttempt admits it: the address's row locked
      // first, the e-mail's second, once the sign-in above is well into its own transaction.
      const admitting = t.db.transaction(async (tx) => {
        const lockRow = (email: string) =>
          tx
            .select()
            .from(signInThrottle)
            .where(and(eq(signInThrottle.address, address), eq(signInThrottle.email, email)))
            .for('update');
        await lockRow(SIGN_IN_ANY_EMAIL);
        await held;
        await lockRow('twice@roster.test');
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      release();
      const [admitted] = await Promise.allSettled([admitting]);
      const [signedIn] = await signingIn;
      expect(admitted?.status).toBe('fulfilled');
      expect(signedIn).toMatchObject({ status: 'fulfilled', value: { email: 'twice@roster.test' } });
    },
  );
});
