/**
 * users.findByEmails ("select users from a pasted list of e-mails", issue 19 item 7): the pasted
 * text's addresses resolved into users, the unknown ones named, repeats and case folded, and a
 * list over the limit refused with a typed error that writes nothing.
 */
import { EMAIL_LIST_MAX, EMAIL_LIST_MAX_CHARS } from '@roster/domain';
import { describe, expect, it } from 'vitest';
import { callByPath, expectTRPCError } from './harness';
import { useFixture } from './userFixtures';

const { h, fx } = useFixture();

const idOf = (email: string) => {
  const user = fx().users.find((u) => u.email === email);
  if (!user) throw new Error(`no fixture user ${email}`);
  return user.id;
};
const findByEmails = { path: 'users.findByEmails', type: 'mutation' } as const;

describe('users.findByEmails', () => {
  it('finds the users of a pasted list in its order and names the unknown addresses', async () => {
    const result = await fx().caller.users.findByEmails({
      text: 'kai.smith@initech.test\nnobody@globex.test, zoe.young@globex.test; ghost@initech.test',
    });
    expect(result.users).toEqual([
      {
        id: idOf('kai.smith@initech.test'),
        email: 'kai.smith@initech.test',
        firstName: 'Kai',
        lastName: 'Smith',
      },
      {
        id: idOf('zoe.young@globex.test'),
        email: 'zoe.young@globex.test',
        firstName: 'Zoe',
        lastName: 'Young',
      },
    ]);
    expect(result.unknown).toEqual(['nobody@globex.test', 'ghost@initech.test']);
    expect(result.invalid).toEqual([]);
    expect(result.duplicates).toBe(0);
  });

  it('any case, address-book form, repeats counted once, words that are no address named', async () => {
    const result = await fx().caller.users.findByEmails({
      text: '"Smith, Kai" <KAI.Smith@Initech.TEST>\tkai.smith@initech.test\nWalt <walt.white@globex.test>, walt@ , snake_case@initech.test',
    });
    expect(result.users.map((u) => u.email)).toEqual([
      'kai.smith@initech.test',
      'walt.white@globex.test',
      'snake_case@initech.test',
    ]);
    expect(result.unknown).toEqual([]);
    expect(result.invalid).toEqual(['walt@']);
    expect(result.duplicates).toBe(1);
  });

  it('an e-mail that differs by a wildcard character is not found (compared exactly, not by LIKE)', async () => {
    const result = await fx().caller.users.findByEmails({
      text: 'perXcent@globex.test snakeXcase@initech.test',
    });
    expect(result.users).toEqual([]);
    expect(result.unknown).toEqual(['perxcent@globex.test', 'snakexcase@initech.test']);
  });

  it('an empty paste, or one with no address, finds nobody', async () => {
    expect(await fx().caller.users.findByEmails({ text: '' })).toEqual({
      users: [],
      unknown: [],
      invalid: [],
      duplicates: 0,
    });
    expect((await fx().caller.users.findByEmails({ text: 'Kai Smith, Walt White' })).users).toEqual([]);
  });

  it(`takes ${EMAIL_LIST_MAX.toLocaleString('en')} addresses in one statement`, async () => {
    const many = Array.from({ length: EMAIL_LIST_MAX - 1 }, (_, i) => `nobody.${i}@example.test`);
    const result = await fx().caller.users.findByEmails({
      text: ['hal.hart@initech.test', ...many].join('\n'),
    });
    expect(result.users.map((u) => u.email)).toEqual(['hal.hart@initech.test']);
    expect(result.unknown).toHaveLength(EMAIL_LIST_MAX - 1);
  });

  it('refuses one address more (too_many_emails) and a text over its length (invalid_input), writing nothing', async () => {
    const before = await h.counts();
    const tooMany = Array.from({ length: EMAIL_LIST_MAX + 1 }, (_, i) => `u${i}@example.test`).join(' ');
    await expectTRPCError(
      callByPath(fx().ctx, findByEmails, { text: tooMany }),
      'BAD_REQUEST',
      'too_many_emails',
    );
    await expectTRPCError(
      callByPath(fx().ctx, findByEmails, { text: ' '.repeat(EMAIL_LIST_MAX_CHARS + 1) }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      callByPath(fx().ctx, findByEmails, { emails: ['a@b.test'] }),
      'BAD_REQUEST',
      'invalid_input',
    );
    await expectTRPCError(
      callByPath(fx().ctx, findByEmails, { text: 'a\u0000@b.test' }),
      'BAD_REQUEST',
      'invalid_input',
    );
    expect(await h.counts()).toEqual(before);
  });
});
