import { randomUUID } from 'node:crypto';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { callByPath, expectTRPCError } from './harness';
import { useFixture } from './userFixtures';

const { h, fx } = useFixture();
const usersList = { path: 'users.list', type: 'query' } as const;

/** Calls users.list with a raw input; it must be refused with exactly this code and write nothing. */
async function expectRefused(input: unknown, domainCode: string, code: TRPC_ERROR_CODE_KEY = 'BAD_REQUEST') {
  const before = await h.counts();
  await expectTRPCError(callByPath(fx().ctx, usersList, input), code, domainCode);
  expect(await h.counts(), 'no audit event, user or session written').toEqual(before);
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const cursorOf = (value: unknown) => b64(JSON.stringify(value));
const ID = '0190a4a2-7c3b-7def-8123-456789abcdef';

describe('users.list refuses filters that name things that do not exist', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['an unknown role id', () => ({ filter: { roleIds: [randomUUID()] } }), 'unknown_role'],
    [
      'a known and an unknown role id',
      () => ({ filter: { roleIds: [fx().roleId('Reader'), randomUUID()] } }),
      'unknown_role',
    ],
    [
      'an unknown module',
      () => ({ filter: { module: { module: 'payroll', minLevel: 'read' } } }),
      'unknown_module',
    ],
    [
      'a module in the wrong case',
      () => ({ filter: { module: { module: 'Projects', minLevel: 'edit' } } }),
      'unknown_module',
    ],
    ['an unknown org unit', () => ({ filter: { orgUnitId: randomUUID() } }), 'unknown_org_unit'],
    [
      'an unknown org unit with its descendants',
      () => ({ filter: { orgUnitId: randomUUID(), includeDescendants: true } }),
      'unknown_org_unit',
    ],
    ['an unknown right', () => ({ filter: { right: 'superpowers' } }), 'unknown_right'],
    ['a right in the wrong case', () => ({ filter: { right: 'Buyer' } }), 'unknown_right'],
    [
      'an unknown role among valid filters',
      () => ({ filter: { status: ['active'], search: 'smith', roleIds: [randomUUID()] } }),
      'unknown_role',
    ],
  ];
  it.each(cases)('%s', async (_, input, domainCode) => {
    await expectRefused(input(), domainCode);
  });
});

describe('users.list refuses malformed input with invalid_input', () => {
  const cases: Array<[string, unknown]> = [
    ['a negative limit', { limit: -1 }],
    ['limit 0', { limit: 0 }],
    ['limit 501', { limit: 501 }],
    ['a non-integer limit', { limit: 1.5 }],
    ['a limit that is a string', { limit: '10' }],
    ['an infinite limit', { limit: Number.POSITIVE_INFINITY }],
    ['a NaN limit', { limit: Number.NaN }],
    ['an unknown filter key', { filter: { colour: 'red' } }],
    ['an unknown filter key beside valid ones', { filter: { status: ['active'], roleId: ID } }],
    ['an unknown top-level key', { filter: {}, page: 2 }],
    ['an unknown sort field', { sort: { field: 'age', direction: 'asc' } }],
    ['an unknown sort direction', { sort: { field: 'name', direction: 'up' } }],
    ['a sort without direction', { sort: { field: 'name' } }],
    ['an unknown status', { filter: { status: ['archived'] } }],
    ['a status that is not a list', { filter: { status: 'active' } }],
    ['a role id that is not a UUID', { filter: { roleIds: ['reader'] } }],
    ['an org unit id that is not a UUID', { filter: { orgUnitId: 'france' } }],
    ['module level none', { filter: { module: { module: 'projects', minLevel: 'none' } } }],
    ['an unknown module level', { filter: { module: { module: 'projects', minLevel: 'admin' } } }],
    ['a search over 200 characters', { filter: { search: 'x'.repeat(201) } }],
    ['a search that is a number', { filter: { search: 42 } }],
    ['includeDescendants that is a string', { filter: { orgUnitId: ID, includeDescendants: 'yes' } }],
    ['invitationExpired that is a string', { filter: { invitationExpired: 'true' } }],
    ['a cursor over 2000 characters', { cursor: 'x'.repeat(2001) }],
    ['a cursor that is a number', { cursor: 12 }],
    ['an input that is a string', 'garbage'],
    ['an input that is a list', []],
  ];
  it.each(cases)('%s', async (_, input) => {
    await expectRefused(input, 'invalid_input');
  });

  it('accepts the bounds 1 and 500', async () => {
    expect((await fx().caller.users.list({ limit: 1 })).items).toHaveLength(1);
    expect((await fx().caller.users.list({ limit: 500 })).items).toHaveLength(fx().users.length);
  });
});

describe('users.list refuses tampered cursors with invalid_cursor', () => {
  let nameCursor: string;
  beforeAll(async () => {
    const page = await fx().caller.users.list({ sort: { field: 'name', direction: 'asc' }, limit: 5 });
    if (!page.nextCursor) throw new Error('expected a next cursor');
    nameCursor = page.nextCursor;
  });

  it('the cursor under test is a real one: it works with its own sort', async () => {
    const next = await fx().caller.users.list({
      sort: { field: 'name', direction: 'asc' },
      limit: 5,
      cursor: nameCursor,
    });
    expect(next.items).toHaveLength(5);
  });

  /** A list sorted by `field` with a cursor of that sort holding `values`. */
  const sortedWithCursor = (field: string, direction: 'asc' | 'desc', values: unknown[]) => ({
    sort: { field, direction },
    cursor: cursorOf({ sort: `${field}:${direction}`, values, total: 5 }),
  });
  const cases: Array<[string, () => unknown]> = [
    ['an empty cursor (it is not the first page: no cursor is)', () => ({ cursor: '' })],
    ['random garbage', () => ({ cursor: 'not a cursor at all!!' })],
    ['random base64url bytes', () => ({ cursor: Buffer.from(randomUUID()).toString('base64url') })],
    ['base64 of text that is not JSON', () => ({ cursor: b64('hello, world') })],
    ['base64 of JSON null', () => ({ cursor: b64('null') })],
    ['base64 of a JSON list', () => ({ cursor: b64('["Smith","Anna"]') })],
    ['base64 of a JSON number', () => ({ cursor: b64('42') })],
    [
      'a name cursor used with the email sort',
      () => ({ sort: { field: 'email', direction: 'asc' }, cursor: nameCursor }),
    ],
    [
      'a name asc cursor used with name desc',
      () => ({ sort: { field: 'name', direction: 'desc' }, cursor: nameCursor }),
    ],
    [
      'a name cursor used with the default sort of another field',
      () => ({ sort: { field: 'created', direction: 'asc' }, cursor: nameCursor }),
    ],
    ['too few values', () => sortedWithCursor('name', 'asc', ['Smith', ID])],
    ['too many values', () => sortedWithCursor('name', 'asc', ['Smith', 'Anna', ID, ID])],
    ['no values', () => ({ cursor: cursorOf({ sort: 'name:asc', values: [], total: 5 }) })],
    [
      'values that are not a list',
      () => ({ cursor: cursorOf({ sort: 'name:asc', values: 'Smith', total: 5 }) }),
    ],
    [
      'a non-UUID id value',
      () => ({ cursor: cursorOf({ sort: 'name:asc', values: ['Smith', 'Anna', 'not-a-uuid'], total: 5 }) }),
    ],
    ['an id value that is SQL', () => sortedWithCursor('created', 'asc', ["' or 1=1 --"])],
    [
      'values that are numbers',
      () => ({ cursor: cursorOf({ sort: 'name:asc', values: [1, 2, ID], total: 5 }) }),
    ],
    ['a status value that is not a status', () => sortedWithCursor('status', 'asc', ['archived', ID])],
    ['a sign-in time that is not a time', () => sortedWithCursor('lastLogin', 'asc', ['yesterday', ID])],
    [
      'a negative total',
      () => ({ cursor: cursorOf({ sort: 'name:asc', values: ['Smith', 'Anna', ID], total: -1 }) }),
    ],
    [
      'a fractional total',
      () => ({ cursor: cursorOf({ sort: 'name:asc', values: ['Smith', 'Anna', ID], total: 1.5 }) }),
    ],
    [
      'a total that is a string',
      () => ({ cursor: cursorOf({ sort: 'name:asc', values: ['Smith', 'Anna', ID], total: '5' }) }),
    ],
    ['no total', () => ({ cursor: cursorOf({ sort: 'name:asc', values: ['Smith', 'Anna', ID] }) })],
    ['no sort', () => ({ cursor: cursorOf({ values: ['Smith', 'Anna', ID], total: 5 }) })],
  ];
  it.each(cases)('%s', async (_, input) => {
    await expectRefused(input(), 'invalid_cursor');
  });

  // Values the cursor's own checks let through but Postgres cannot read: still a typed refusal, never a 500.
  const readByPostgres: Array<[string, () => unknown]> = [
    [
      'a sign-in time JavaScript parses leniently ("1")',
      () => sortedWithCursor('lastLogin', 'asc', ['1', ID]),
    ],
    [
      'a sign-in time on a day that does not exist (30 February)',
      () => sortedWithCursor('lastLogin', 'desc', ['2026-02-30T00:00:00.000Z', ID]),
    ],
    ['a name value with a NUL character', () => sortedWithCursor('name', 'asc', ['Smith\u0000', 'Anna', ID])],
  ];
  it.each(readByPostgres)('%s', async (_, input) => {
    await expectRefused(input(), 'invalid_cursor');
  });
});

describe('users.list never answers bad text with a server error', () => {
  it('a search with a NUL character is refused as invalid input', async () => {
    await expectRefused({ filter: { search: 'smi\u0000th' } }, 'invalid_input');
  });
});
