import { describe, expect, it } from 'vitest';
import {
  DomainError,
  EMAIL_LIST_MAX,
  EMAIL_LIST_MAX_CHARS,
  emailsOfList,
  parseEmailList,
  usersByEmailsInputSchema,
} from '../src';

describe('parseEmailList: e-mails out of whatever was pasted', () => {
  it.each<[string, string, string[], string[], number]>([
    ['one a line', 'ana@acme.com\nbob@acme.com\r\n', ['ana@acme.com', 'bob@acme.com'], [], 0],
    [
      'commas and semicolons',
      'ana@acme.com,bob@acme.com;  cy@acme.com',
      ['ana@acme.com', 'bob@acme.com', 'cy@acme.com'],
      [],
      0,
    ],
    [
      'tabs (a spreadsheet column pair)',
      'Ana\tana@acme.com\nBob\tbob@acme.com',
      ['ana@acme.com', 'bob@acme.com'],
      [],
      0,
    ],
    [
      'address-book form',
      '"Silva, Ana" <ana@acme.com>; Bob Lee <bob@acme.com>',
      ['ana@acme.com', 'bob@acme.com'],
      [],
      0,
    ],
    ['case and spaces', '  ANA@Acme.COM  ', ['ana@acme.com'], [], 0],
    ['duplicates in any case count once', 'ana@acme.com ANA@acme.com ana@ACME.com', ['ana@acme.com'], [], 2],
    [
      'mailto: and a full stop at the end',
      'mailto:ana@acme.com, write to bob@acme.com.',
      ['ana@acme.com', 'bob@acme.com'],
      [],
      0,
    ],
    [
      'words with @ that are no address',
      'ana@ @acme.com a@b ana@acme.com',
      ['ana@acme.com'],
      ['ana@', '@acme.com', 'a@b'],
      0,
    ],
    ['nothing but names', 'Ana Silva, Bob Lee', [], [], 0],
    ['empty', '', [], [], 0],
  ])('%s', (_, text, emails, invalid, duplicates) => {
    expect(parseEmailList(text)).toEqual({ emails, invalid, duplicates });
  });

  it('keeps the order of first appearance', () => {
    expect(parseEmailList('c@x.io b@x.io a@x.io b@x.io').emails).toEqual(['c@x.io', 'b@x.io', 'a@x.io']);
  });
});

describe('the size of a pasted list', () => {
  const list = (n: number) => Array.from({ length: n }, (_, i) => `user${i}@acme.com`).join('\n');

  it(`takes ${EMAIL_LIST_MAX} distinct addresses, refuses one more (too_many_emails)`, () => {
    expect(emailsOfList(parseEmailList(list(EMAIL_LIST_MAX)))).toHaveLength(EMAIL_LIST_MAX);
    expect(() => emailsOfList(parseEmailList(list(EMAIL_LIST_MAX + 1)))).toThrow(
      expect.objectContaining({ code: 'too_many_emails' }),
    );
    expect(() => emailsOfList(parseEmailList(list(EMAIL_LIST_MAX + 1)))).toThrow(DomainError);
  });

  it('counts distinct addresses: repeats do not count towards the limit', () => {
    const repeated = `${list(EMAIL_LIST_MAX)}\n${list(10)}`;
    expect(emailsOfList(parseEmailList(repeated))).toHaveLength(EMAIL_LIST_MAX);
  });

  it('the input schema takes text up to its length, strictly', () => {
    expect(usersByEmailsInputSchema.safeParse({ text: 'a@b.co' }).success).toBe(true);
    expect(usersByEmailsInputSchema.safeParse({ text: 'x'.repeat(EMAIL_LIST_MAX_CHARS + 1) }).success).toBe(
      false,
    );
    expect(usersByEmailsInputSchema.safeParse({ text: 'a\u0000b' }).success).toBe(false);
    expect(usersByEmailsInputSchema.safeParse({ text: 'a@b.co', more: 1 }).success).toBe(false);
    expect(usersByEmailsInputSchema.safeParse({ emails: ['a@b.co'] }).success).toBe(false);
  });
});
