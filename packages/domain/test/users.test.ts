import { describe, expect, it } from 'vitest';
import {
  createdRange,
  csvCell,
  csvRow,
  isEmptyFilter,
  isInvitationExpired,
  lastSignInCutoff,
  SELECTION_MAX_IDS,
  selectedByFilter,
  selectionSchema,
  usersFilterSchema,
  usersListInputSchema,
} from '../src';

const id = '01a211df-03b3-7076-8d1e-05c9e53e4063';

describe('users list input', () => {
  it.each([
    [{ limit: 0 }, false],
    [{ limit: -1 }, false],
    [{ limit: 501 }, false],
    [{ limit: 2.5 }, false],
    [{ limit: 500 }, true],
    [{ sort: { field: 'name', direction: 'up' } }, false],
    [{ sort: { field: 'password', direction: 'asc' } }, false],
    [{ sort: { field: 'lastLogin', direction: 'desc' } }, true],
    [{ unknown: 1 }, false],
    [{ filter: { status: ['active', 'bogus'] } }, false],
    [{ filter: { roleIds: ['nope'] } }, false],
    [{ filter: { search: 'x'.repeat(201) } }, false],
    [{ filter: { search: 'a\u0000b' } }, false],
    [{ filter: { nope: true } }, false],
    [{ filter: { module: { module: 'budget', minLevel: 'none' } } }, false],
    [{ filter: { module: { module: 'budget', minLevel: 'edit' } } }, true],
  ])('%j is valid: %s', (input, valid) => {
    expect(usersListInputSchema.safeParse(input).success).toBe(valid);
  });

  it('trims the search and lower-cases role ids', () => {
    expect(usersFilterSchema.parse({ search: '  mart  ', roleIds: [id.toUpperCase()] })).toEqual({
      search: 'mart',
      roleIds: [id],
    });
  });
});

describe('selections', () => {
  it('takes ids, up to the limit', () => {
    expect(selectionSchema.safeParse({ ids: [id] }).success).toBe(true);
    expect(selectionSchema.safeParse({ ids: Array(SELECTION_MAX_IDS).fill(id) }).success).toBe(true);
    expect(selectionSchema.safeParse({ ids: Array(SELECTION_MAX_IDS + 1).fill(id) }).success).toBe(false);
    expect(selectionSchema.safeParse({ ids: ['not-a-uuid'] }).success).toBe(false);
  });

  it('takes a filter with the count the admin saw', () => {
    expect(selectionSchema.safeParse({ filter: { status: ['invited'] }, expectedCount: 12 }).success).toBe(
      true,
    );
    expect(selectionSchema.safeParse({ filter: { status: ['invited'] } }).success).toBe(false);
    expect(selectionSchema.safeParse({ filter: {}, expectedCount: -1 }).success).toBe(false);
  });

  it('knows an empty filter', () => {
    expect(isEmptyFilter(undefined)).toBe(true);
    expect(isEmptyFilter({ status: [] })).toBe(true);
    expect(isEmptyFilter({ search: 'a' })).toBe(false);
    expect(isEmptyFilter({ invitationExpired: false })).toBe(false);
  });
});

describe('invitation expiry', () => {
  const expiresAt = new Date('2026-01-08T10:00:00Z');
  it.each([
    [new Date('2026-01-08T09:59:59.999Z'), false],
    [new Date('2026-01-08T10:00:00Z'), true],
    [new Date('2026-01-09T00:00:00Z'), true],
  ])('at %s an invitation expiring at 10:00 has expired: %s', (now, expired) => {
    expect(isInvitationExpired(expiresAt, now)).toBe(expired);
  });
});

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+33 1 23', "'+33 1 23"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    [' padded ', '" padded "'],
  ])('%j is written as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('rows end with CRLF; empty values are empty cells', () => {
    expect(csvRow(['a', null, 3])).toBe('a,,3\r\n');
  });
});

describe('selectedByFilter: "all N matching except these" checked against the users as they are', () => {
  it.each([
    { matching: 12, excepted: 3, expected: 12, selected: 9 },
    { matching: 5, excepted: 0, expected: 5, selected: 5 },
  ])('$matching matching, $excepted left out → $selected', ({ matching, excepted, expected, selected }) => {
    expect(selectedByFilter(matching, excepted, expected)).toBe(selected);
  });
  it.each([
    { matching: 0, excepted: 0, expected: 0, code: 'empty_selection' },
    { matching: 13, excepted: 3, expected: 12, code: 'selection_changed' },
    { matching: 4, excepted: 4, expected: 4, code: 'empty_selection' },
  ])(
    '$matching matching, $excepted left out, $expected seen → $code',
    ({ matching, excepted, expected, code }) => {
      expect(() => selectedByFilter(matching, excepted, expected)).toThrow(expect.objectContaining({ code }));
    },
  );
});

describe('the filters of issue 19 item 7', () => {
  it.each<[string, unknown, boolean]>([
    ['never signed in', { lastSignIn: { kind: 'never' } }, true],
    ['not signed in for 90 days', { lastSignIn: { kind: 'olderThan', days: 90 } }, true],
    ['0 days', { lastSignIn: { kind: 'olderThan', days: 0 } }, false],
    ['fractional days', { lastSignIn: { kind: 'olderThan', days: 1.5 } }, false],
    ['over ten years', { lastSignIn: { kind: 'olderThan', days: 3651 } }, false],
    ['days as text', { lastSignIn: { kind: 'olderThan', days: '90' } }, false],
    ['olderThan without days', { lastSignIn: { kind: 'olderThan' } }, false],
    ['never with days', { lastSignIn: { kind: 'never', days: 3 } }, false],
    ['an unknown kind', { lastSignIn: { kind: 'recently' } }, false],
    ['created from a day', { createdFrom: '2026-03-01' }, true],
    ['created to an instant with offset', { createdTo: '2026-03-01T09:00:00+01:00' }, true],
    ['created to an instant in UTC', { createdTo: '2026-03-01T09:00:00Z' }, true],
    ['an instant without offset', { createdFrom: '2026-03-01T09:00:00' }, false],
    ['not a day', { createdFrom: '2026-02-30' }, false],
    ['a day written another way', { createdFrom: '01/03/2026' }, false],
    ['a domain', { emailDomain: 'acme.com' }, true],
    ['a sub-domain', { emailDomain: 'eu.acme-corp.com' }, true],
    ['a domain with @', { emailDomain: '@acme.com' }, true],
    ['a domain with a space', { emailDomain: 'acme .com' }, false],
    ['a whole address', { emailDomain: 'ana@acme.com' }, false],
    ['a wildcard', { emailDomain: '%.com' }, false],
    ['an empty domain', { emailDomain: '  ' }, false],
    ['rights any-of', { rights: ['buyer', 'data_export'] }, true],
    ['rights not a list', { rights: 'buyer' }, false],
    ['rights with a NUL', { rights: ['a\u0000'] }, false],
  ])('%s: valid %s', (_, filter, valid) => {
    expect(usersFilterSchema.safeParse(filter).success).toBe(valid);
  });

  it('lower-cases a domain and drops its @', () => {
    expect(usersFilterSchema.parse({ emailDomain: ' @ACME.com ' })).toEqual({ emailDomain: 'acme.com' });
  });

  it('each new filter makes the filter non-empty', () => {
    for (const filter of [
      { lastSignIn: { kind: 'never' } },
      { createdFrom: '2026-03-01' },
      { createdTo: '2026-03-01' },
      { emailDomain: 'acme.com' },
      { rights: ['buyer'] },
    ] as const) {
      expect(isEmptyFilter(usersFilterSchema.parse(filter)), JSON.stringify(filter)).toBe(false);
    }
    expect(isEmptyFilter({ rights: [] })).toBe(true);
  });

  it('the sign-in cut-off is N whole days before now', () => {
    const now = new Date('2026-03-31T12:00:00Z');
    expect(lastSignInCutoff(30, now).toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });

  it.each<[string, { createdFrom?: string; createdTo?: string }, string | undefined, string | undefined]>([
    ['nothing', {}, undefined, undefined],
    ['a day from: its UTC midnight', { createdFrom: '2026-03-01' }, '2026-03-01T00:00:00.000Z', undefined],
    ['a day to: that whole day', { createdTo: '2026-03-31' }, undefined, '2026-04-01T00:00:00.000Z'],
    [
      'one day',
      { createdFrom: '2026-03-01', createdTo: '2026-03-01' },
      '2026-03-01T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ],
    [
      'instants',
      { createdFrom: '2026-03-01T09:00:00+01:00', createdTo: '2026-03-01T10:00:00Z' },
      '2026-03-01T08:00:00.000Z',
      '2026-03-01T10:00:00.000Z',
    ],
  ])('created range: %s', (_, filter, from, before) => {
    const range = createdRange(filter);
    expect(range.from?.toISOString()).toBe(from);
    expect(range.before?.toISOString()).toBe(before);
  });

  it.each([
    [{ createdFrom: '2026-03-02', createdTo: '2026-03-01' }],
    [{ createdFrom: '2026-03-01T10:00:00Z', createdTo: '2026-03-01T10:00:00Z' }],
  ])('an empty creation range is refused (invalid_date_range): %j', (filter) => {
    expect(() => createdRange(filter)).toThrow(expect.objectContaining({ code: 'invalid_date_range' }));
  });
});
