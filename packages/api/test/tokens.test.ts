import { apiTokens, auditEvents, users } from '@roster/db';
import { asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { hashToken, newSecretToken } from '../src';
import { callByPath, DAY, expectTRPCError, MINUTE, type SignedIn, START, useHarness } from './harness';

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

const t = useHarness();

let admin: SignedIn;
beforeEach(async () => {
  admin = await t.signedIn('Administrator', { email: 'admin@roster.test' });
});

const asAdmin = () => t.asSession(admin.session);
const tokenRows = () => t.db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt));
const auditOf = async (action: string) =>
  (await t.db.select().from(auditEvents).orderBy(asc(auditEvents.id))).filter((row) => row.action === action);

describe('tokens.create', () => {
  it('returns the token once and stores only its SHA-256', async () => {
    const created = await (await asAdmin()).tokens.create({ name: '  CI sync  ' });

    expect(created.token).toMatch(/^rst_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      name: 'CI sync',
      prefix: created.token.slice(0, 10),
      createdAt: START,
      expiresAt: null,
    });

    const [row, ...others] = await tokenRows();
    expect(others).toEqual([]);
    expect(row).toMatchObject({ id: created.id, userId: admin.user.id, revokedAt: null, lastUsedAt: null });
    expect(row?.tokenHash).not.toBe(created.token);
    expect(row?.tokenHash).toBe(hashToken(created.token));
    // The secret is in no column of the row.
    expect(JSON.stringify(row)).not.toContain(created.token);

    const audit = await auditOf('auth.token_created');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.user.id, userId: admin.user.id });
    expect(JSON.stringify(audit)).not.toContain(created.token);
  });

  it('makes a different secret every time', async () => {
    const caller = await asAdmin();
    const first = await caller.tokens.create({ name: 'one' });
    const second = await caller.tokens.create({ name: 'one' });
    expect(first.token).not.toBe(second.token);
    expect(first.id).not.toBe(second.id);
  });

  it.each<[string, unknown]>([
    ['no name', {}],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '    ' }],
    ['a name of 101 characters', { name: 'n'.repeat(101) }],
    ['zero days', { name: 'ci', expiresInDays: 0 }],
    ['a fraction of a day', { name: 'ci', expiresInDays: 1.5 }],
    ['more than a year', { name: 'ci', expiresInDays: 367 }],
    ['days as a string', { name: 'ci', expiresInDays: '30' }],
  ])('refuses %s with invalid_input and writes nothing', async (_name, input) => {
    const before = await t.counts();
    const { ctx } = await t.request({ sessionToken: admin.session });
    await expectTRPCError(
      callByPath(ctx, { path: 'tokens.create', type: 'mutation' }, input),
      'BAD_REQUEST',
      'invalid_input',
    );
    expect(await t.counts()).toEqual(before);
  });
});

describe('a bearer token', () => {
  it('authenticates its user on admin procedures, without the CSRF header', async () => {
    const { token } = await (await asAdmin()).tokens.create({ name: 'CI' });
    const caller = await t.asToken(token, { hasCsrfHeader: false });
    expect(await caller.auth.me()).toMatchObject({ id: admin.user.id, isAdmin: true });
    await expect(caller.tokens.list()).resolves.toHaveLength(1);
    await expect(caller.tokens.create({ name: 'made by a tool' })).resolves.toMatchObject({
      name: 'made by a tool',
    });
  });

  it('is audited when used, at most once a minute, and its last use is recorded', async () => {
    const { id, token } = await (await asAdmin()).tokens.create({ name: 'CI' });
    t.clock.advance(5_000);
    await (await t.asToken(token)).tokens.list();
    t.clock.advance(30_000);
    await (await t.asToken(token)).tokens.list();

    let used = await auditOf('auth.token_used');
    expect(used).toHaveLength(1);
    expect(used[0]).toMatchObject({ actorId: admin.user.id, userId: admin.user.id });
    expect(used[0]?.meta).toMatchObject({ tokenId: id, ip: '127.0.0.1' });
    const [row] = await tokenRows();
    expect(row?.lastUsedAt).toEqual(new Date(START.getTime() + 5_000));

    t.clock.advance(MINUTE);
    await (await t.asToken(token)).tokens.list();
    used = await auditOf('auth.token_used');
    expect(used).toHaveLength(2);
  });

  it('does not authenticate when unknown, and writes nothing', async () => {
    const before = await t.counts();
    for (const bearerToken of ['rst_garbage', newSecretToken('rst_'), 'x'.repeat(5_000)]) {
      const caller = await t.asToken(bearerToken);
      expect(await caller.auth.me()).toBeNull();
      await expectTRPCError(caller.tokens.list(), 'UNAUTHORIZED', 'not_signed_in');
    }
    expect(await t.counts()).toEqual(before);
  });

  it('is not a session, and a session is not a token', async () => {
    const { token } = await (await asAdmin()).tokens.create({ name: 'CI' });
    await expectTRPCError((await t.asToken(admin.session)).tokens.list(), 'UNAUTHORIZED', 'not_signed_in');
    expect(await (await t.asSession(token)).auth.me()).toBeNull();
  });

  it('with the scim scope, reaches nothing of the typed API (only /scim/v2), and is listed as such', async () => {
    const caller = await asAdmin();
    const { token, scope } = await caller.tokens.create({ name: 'Okta', scope: 'scim' });
    expect(scope).toBe('scim');
    await expectTRPCError((await t.asToken(token)).tokens.list(), 'UNAUTHORIZED', 'not_signed_in');
    expect(await (await t.asToken(token)).auth.me()).toBeNull();
    expect((await caller.tokens.list()).map((item) => [item.name, item.scope])).toEqual([['Okta', 'scim']]);
  });

  it('stops working when it expires', async () => {
    const created = await (await asAdmin()).tokens.create({ name: 'short-lived', expiresInDays: 1 });
    expect(created.expiresAt).toEqual(new Date(START.getTime() + DAY));

    t.clock.advance(DAY - 1);
    await expect((await t.asToken(created.token)).tokens.list()).resolves.toHaveLength(1);
    t.clock.advance(1);
    await expectTRPCError((await t.asToken(created.token)).tokens.list(), 'UNAUTHORIZED', 'not_signed_in');
    expect(await (await t.asToken(created.token)).auth.me()).toBeNull();
  });

  it('stops working when its user is deactivated', async () => {
    const { token } = await (await asAdmin()).tokens.create({ name: 'CI' });
    await t.db.update(users).set({ status: 'deactivated' }).where(eq(users.id, admin.user.id));
    await expectTRPCError((await t.asToken(token)).tokens.list(), 'UNAUTHORIZED', 'not_signed_in');
  });
});

describe('tokens.list', () => {
  it('lists the caller’s tokens without their secret or its hash', async () => {
    const caller = await asAdmin();
    const first = await caller.tokens.create({ name: 'first' });
    t.clock.advance(MINUTE);
    const second = await caller.tokens.create({ name: 'second', expiresInDays: 30 });

    const other = await t.signedIn('Administrator', { email: 'other-admin@roster.test' });
    await (await t.asSession(other.session)).tokens.create({ name: 'someone else’s' });

    const list = await (await asAdmin()).tokens.list();
    expect(list.map((item) => item.name)).toEqual(['second', 'first']);
    expect(list[0]).toEqual({
      id: second.id,
      name: 'second',
      prefix: second.prefix,
      scope: 'api',
      createdAt: new Date(START.getTime() + MINUTE),
      expiresAt: new Date(START.getTime() + MINUTE + 30 * DAY),
      lastUsedAt: null,
      revokedAt: null,
    });
    const serialized = JSON.stringify(list);
    for (const secret of [first.token, second.token]) {
      expect(serialized).not.toContain(secret);
      expect(serialized).not.toContain(hashToken(secret));
    }
    for (const item of list) {
      expect(Object.keys(item)).not.toContain('token');
      expect(Object.keys(item)).not.toContain('tokenHash');
    }
  });
});

describe('tokens.revoke', () => {
  it('revokes: the token no longer works; revoking it again is token_not_found', async () => {
    const { id, token } = await (await asAdmin()).tokens.create({ name: 'CI' });
    t.clock.advance(MINUTE);

    await expect((await asAdmin()).tokens.revoke({ id })).resolves.toEqual({
      id,
      revokedAt: t.clock.now(),
    });
    const [row] = await tokenRows();
    expect(row?.revokedAt).toEqual(t.clock.now());
    expect(await auditOf('auth.token_revoked')).toHaveLength(1);

    const caller = await t.asToken(token);
    expect(await caller.auth.me()).toBeNull();
    await expectTRPCError(caller.tokens.list(), 'UNAUTHORIZED', 'not_signed_in');

    const before = await t.counts();
    await expectTRPCError((await asAdmin()).tokens.revoke({ id }), 'NOT_FOUND', 'token_not_found');
    expect(await t.counts()).toEqual(before);
  });

  it('answers token_not_found for an unknown id, and for another person’s token (which keeps working)', async () => {
    await expectTRPCError(
      (await asAdmin()).tokens.revoke({ id: UNKNOWN_ID }),
      'NOT_FOUND',
      'token_not_found',
    );

    const other = await t.signedIn('Administrator', { email: 'other-admin@roster.test' });
    const theirs = await (await t.asSession(other.session)).tokens.create({ name: 'theirs' });
    await expectTRPCError((await asAdmin()).tokens.revoke({ id: theirs.id }), 'NOT_FOUND', 'token_not_found');
    await expect((await t.asToken(theirs.token)).tokens.list()).resolves.toHaveLength(1);
  });

  it('refuses an id that is not a uuid with invalid_input', async () => {
    const { ctx } = await t.request({ sessionToken: admin.session });
    await expectTRPCError(
      callByPath(ctx, { path: 'tokens.revoke', type: 'mutation' }, { id: "1' or '1'='1" }),
      'BAD_REQUEST',
      'invalid_input',
    );
  });
});
