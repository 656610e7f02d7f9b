import * as crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHarness, expectTRPCError, type Harness } from './harness';

// Every scrypt derivation is recorded (and still run): the test compares the work each answer does,
// not how long it took, which depends on the machine and on what else it is running.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return { ...original, scrypt: vi.fn(original.scrypt) };
});

let t: Harness;
beforeAll(async () => {
  t = await createHarness();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

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
