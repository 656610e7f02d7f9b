import { apiTokens, roles, users } from '@roster/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { newApiToken, type RequestInfo } from '../src';
import {
  callByPath,
  errorShapeOf,
  expectTRPCError,
  listProcedures,
  type ProcedureInfo,
  useHarness,
} from './harness';

/**
 * The procedures anybody may call. Every other procedure needs a signed-in administrator, unless it
 * is listed in SIGNED_IN_ONLY. A new procedure is therefore admin-only until someone says otherwise here.
 */
const PUBLIC = new Set([
  'auth.signIn',
  'auth.signOut',
  'auth.me',
  'invitations.inspect',
  'invitations.accept',
]);
/** Procedures for any signed-in user, administrator or not (SPEC §1: none reads or changes other users). */
const SIGNED_IN_ONLY = new Set<string>([]);

const procedures = listProcedures();
const guarded = procedures.filter((p) => !PUBLIC.has(p.path));
const adminOnly = guarded.filter((p) => !SIGNED_IN_ONLY.has(p.path));
const mutations = procedures.filter((p) => p.type === 'mutation');

/** Whatever the input, the access check answers first; these include nonsense on purpose. */
const INPUTS: unknown[] = [undefined, {}, 'garbage', { id: 'not-a-uuid', name: '', email: 42 }];

const t = useHarness();

async function expectEveryCallRefused(
  list: ProcedureInfo[],
  request: Partial<RequestInfo>,
  code: 'UNAUTHORIZED' | 'FORBIDDEN',
  domainCode: string,
) {
  // A token's first use in a minute is audited (by design); take it before counting writes.
  await t.request(request);
  const before = await t.counts();
  for (const procedure of list) {
    for (const input of INPUTS) {
      const { ctx } = await t.request(request);
      const outcome = await callByPath(ctx, procedure, input).then(
        () => 'succeeded',
        (error: unknown) =>
          error instanceof TRPCError ? `${error.code} ${errorShapeOf(error).data.code}` : String(error),
      );
      expect({ procedure: procedure.path, input, outcome }).toEqual({
        procedure: procedure.path,
        input,
        outcome: `${code} ${domainCode}`,
      });
    }
  }
  expect(await t.counts()).toEqual(before);
}

describe('the procedure list', () => {
  it('is read from the router, with each procedure’s type', () => {
    expect(procedures).toEqual(
      expect.arrayContaining([
        { path: 'auth.signIn', type: 'mutation' },
        { path: 'auth.signOut', type: 'mutation' },
        { path: 'auth.me', type: 'query' },
        { path: 'tokens.create', type: 'mutation' },
        { path: 'tokens.list', type: 'query' },
        { path: 'tokens.revoke', type: 'mutation' },
      ]),
    );
    expect(adminOnly.map((p) => p.path)).toEqual(expect.arrayContaining(['tokens.create', 'tokens.list']));
  });
});

describe('an anonymous caller', () => {
  it('is refused UNAUTHORIZED by every procedure that is not public, whatever the input', async () => {
    await expectEveryCallRefused(guarded, {}, 'UNAUTHORIZED', 'not_signed_in');
  });

  it('is refused the same way with an unknown session cookie or bearer token', async () => {
    await expectEveryCallRefused(guarded, { sessionToken: 'forged' }, 'UNAUTHORIZED', 'not_signed_in');
    await expectEveryCallRefused(guarded, { bearerToken: 'rst_forged' }, 'UNAUTHORIZED', 'not_signed_in');
  });

  it('may call the public procedures', async () => {
    const anonymous = await t.anonymous();
    expect(await anonymous.auth.me()).toBeNull();
    await expect(anonymous.auth.signOut()).resolves.toEqual({ signedOut: true });
    // Refused for its input, not for who is asking.
    const { ctx } = await t.request();
    await expectTRPCError(
      callByPath(ctx, { path: 'auth.signIn', type: 'mutation' }, {}),
      'BAD_REQUEST',
      'invalid_input',
    );
  });
});

describe('a signed-in user who is not an administrator', () => {
  it('is refused FORBIDDEN by every admin procedure, whatever the input', async () => {
    const reader = await t.signedIn('Reader');
    expect(await (await t.asSession(reader.session)).auth.me()).toMatchObject({ isAdmin: false });
    await expectEveryCallRefused(adminOnly, { sessionToken: reader.session }, 'FORBIDDEN', 'not_admin');
  });

  it('is refused with an API token too', async () => {
    const manager = await t.createUser({ role: 'Portfolio manager' });
    const { token, stored } = newApiToken();
    await t.db
      .insert(apiTokens)
      .values({ userId: manager.id, name: 'somehow', ...stored, createdAt: t.clock.now() });
    await expectEveryCallRefused(adminOnly, { bearerToken: token }, 'FORBIDDEN', 'not_admin');
  });

  it('is refused when their role only looks like the administrator role', async () => {
    const [lookalike] = await t.db
      .insert(roles)
      .values({ name: 'administrator', isAdmin: false })
      .returning({ id: roles.id });
    const user = await t.createUser({ email: 'lookalike@roster.test' });
    await t.db.update(users).set({ roleId: lookalike?.id }).where(eq(users.id, user.id));
    const session = await t.signIn('lookalike@roster.test');
    await expectEveryCallRefused(adminOnly, { sessionToken: session }, 'FORBIDDEN', 'not_admin');
  });

  it('loses admin procedures as soon as their role changes, session and tokens alike', async () => {
    const admin = await t.signedIn('Administrator');
    const { token } = await (await t.asSession(admin.session)).tokens.create({ name: 'CI' });
    await t.db
      .update(users)
      .set({ roleId: t.roleId('Reader') })
      .where(eq(users.id, admin.user.id));
    await expectEveryCallRefused(adminOnly, { sessionToken: admin.session }, 'FORBIDDEN', 'not_admin');
    await expectEveryCallRefused(adminOnly, { bearerToken: token }, 'FORBIDDEN', 'not_admin');
  });
});

describe('an administrator', () => {
  it('passes the access check of every procedure (the refusals above are not refusing everybody)', async () => {
    const admin = await t.signedIn('Administrator');
    for (const procedure of guarded) {
      const { ctx } = await t.request({ sessionToken: admin.session });
      // Input no procedure accepts: anything but an access refusal proves the check let the admin in.
      const outcome = await callByPath(ctx, procedure, 'garbage').then(
        () => 'succeeded',
        (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
      );
      expect({ procedure: procedure.path, outcome }).not.toEqual({
        procedure: procedure.path,
        outcome: expect.stringMatching(/^(UNAUTHORIZED|FORBIDDEN)$/),
      });
    }
  });
});

describe('CSRF: mutations sent with the session cookie need the app’s header', () => {
  it('refuses every mutation without it, FORBIDDEN csrf, writing nothing', async () => {
    const admin = await t.signedIn('Administrator', { email: 'admin@roster.test' });
    await expectEveryCallRefused(
      mutations,
      { sessionToken: admin.session, hasCsrfHeader: false },
      'FORBIDDEN',
      'csrf',
    );
    // The session was not signed out by the refused auth.signOut.
    expect(await (await t.asSession(admin.session)).auth.me()).toMatchObject({ email: 'admin@roster.test' });
  });

  it('refuses a sign-in without it (no login CSRF): no session, no audit, no throttle', async () => {
    await t.createUser({ email: 'admin@roster.test' });
    await expectEveryCallRefused(mutations, { hasCsrfHeader: false }, 'FORBIDDEN', 'csrf');
    const { caller, cookie } = await t.request({ hasCsrfHeader: false });
    await expectTRPCError(
      caller.auth.signIn({ email: 'admin@roster.test', password: 'whatever' }),
      'FORBIDDEN',
      'csrf',
    );
    expect(cookie.token).toBeUndefined();
  });

  it('lets queries through without it', async () => {
    const admin = await t.signedIn('Administrator', { email: 'admin@roster.test' });
    const caller = await t.asSession(admin.session, { hasCsrfHeader: false });
    expect(await caller.auth.me()).toMatchObject({ email: 'admin@roster.test' });
    await expect(caller.tokens.list()).resolves.toEqual([]);
  });

  it('does not apply to requests authenticated by a bearer token', async () => {
    const admin = await t.signedIn('Administrator');
    const { id, token } = await (await t.asSession(admin.session)).tokens.create({ name: 'CI' });
    const tool = await t.asToken(token, { hasCsrfHeader: false });
    await expect(tool.tokens.create({ name: 'second' })).resolves.toMatchObject({ name: 'second' });
    await expect(tool.tokens.revoke({ id })).resolves.toMatchObject({ id });
  });
});
