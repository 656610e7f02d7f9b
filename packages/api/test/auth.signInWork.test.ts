import * as crypto from 'node:crypto';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it, vi } from 'vitest';
import { appRouter, createContext } from '../src';
import { baseRequest, expectTRPCError, PASSWORD, recordCookie, useHarness } from './harness';

// Every scrypt derivation is recorded (and still run): the test compares the work each answer does,
// not how long it took, which depends on the machine and on what else it is running.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return { ...original, scrypt: vi.fn(original.scrypt) };
});

const t = useHarness();

/** The cost parameters (key length, N, r, p) of the scrypt derivations one sign-in attempt ran. */
async function derivationsOf(email: string) {
  const scrypt = vi.mocked(crypto.scrypt);
  scrypt.mockClear();
  await expectTRPCError(
    (await t.anonymous()).auth.signIn({ email, password: 'wrong password' }),
    'UNAUTHORIZED',
    'invalid_credentials',
  );
  return scrypt.mock.calls.map(([, , keyLength, options]) => ({ keyLength, options }));
}

describe('auth.signIn with a wrong password or an unknown e-mail', () => {
  it('does the same work for both: one password derivation at the same cost', async () => {
    await t.createUser({ email: 'known@roster.test' });
    const wrongPassword = await derivationsOf('known@roster.test');
    const unknownEmail = await derivationsOf('unknown@roster.test');
    expect(wrongPassword).toHaveLength(1);
    expect(unknownEmail).toEqual(wrongPassword);
  });
});

/**
 * Sends `inputs` to auth.signIn as one HTTP request through tRPC's own request handler (a batch when
 * there are several), with the procedures of the request passed on as the server passes them.
 */
async function signInBatch(inputs: { email: string; password: string }[]) {
  const paths = inputs.map(() => 'auth.signIn').join(',');
  const body = Object.fromEntries(inputs.map((input, i) => [i, { json: input }]));
  const cookie = recordCookie();
  const response = await fetchRequestHandler({
    endpoint: '/trpc',
    router: appRouter,
    req: new Request(`http://roster.test/trpc/${paths}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-roster-csrf': '1' },
      body: JSON.stringify(body),
    }),
    createContext: ({ info }) =>
      createContext(
        { db: t.db, config: t.config, now: t.clock.now },
        { ...baseRequest, procedures: info.calls.map((call) => call.path) },
        cookie,
      ),
  });
  const answers: unknown = await response.json();
  if (!Array.isArray(answers)) throw new Error('A batch is answered with an array');
  return { answers, cookie };
}

describe('auth.signIn in a batch', () => {
  it('refuses 200 sign-ins sent as one request: no password checked, nothing written', async () => {
    await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const scrypt = vi.mocked(crypto.scrypt);
    scrypt.mockClear();
    const before = await t.counts();
    const { answers, cookie } = await signInBatch(
      Array.from({ length: 200 }, (_, i) => ({
        email: 'admin@roster.test',
        password: i === 199 ? PASSWORD : `guess ${i}`,
      })),
    );
    expect(answers).toHaveLength(200);
    for (const answer of answers) {
      expect(answer).toMatchObject({
        error: { json: { data: { trpcCode: 'BAD_REQUEST', code: 'sign_in_batched', httpStatus: 400 } } },
      });
    }
    expect(scrypt).not.toHaveBeenCalled();
    expect(await t.counts()).toEqual(before);
    expect(cookie.token).toBeUndefined();
  });

  it('signs in when the batch holds the sign-in alone (what a batching client sends)', async () => {
    await t.createUser({ email: 'admin@roster.test', role: 'Administrator' });
    const { answers, cookie } = await signInBatch([{ email: 'admin@roster.test', password: PASSWORD }]);
    expect(answers[0]).toMatchObject({ result: { data: { json: { email: 'admin@roster.test' } } } });
    expect(cookie.token).toBeDefined();
  });
});
