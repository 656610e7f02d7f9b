import { describe, expect, it } from 'vitest';
import {
  ESSENTIAL_USER_COLUMNS,
  type ExportedUser,
  exportColumns,
  USER_COLUMNS,
  usersCsvWriter,
  usersExportFileName,
  usersExportInputSchema,
} from '../src';

const user = (over: Partial<ExportedUser> = {}): ExportedUser => ({
  firstName: 'Ana',
  lastName: 'Silva',
  email: 'ana@acme.test',
  roleName: 'Buyer',
  status: 'active',
  moduleAccess: ['reporting:read', 'budget:edit'],
  lastLoginAt: new Date('2026-12-02T14:05:06.789Z'),
  createdAt: new Date('2026-01-31T00:00:00.000Z'),
  scope: ['Globex France', 'Finance, France'],
  rights: ['buyer', 'data_export'],
  ...over,
});

describe('exportColumns', () => {
  it.each([
    { given: undefined, expected: [...ESSENTIAL_USER_COLUMNS] },
    { given: [], expected: [...ESSENTIAL_USER_COLUMNS] },
    { given: ['rights', 'email', 'email', 'name'] as const, expected: ['name', 'email', 'rights'] },
    { given: [...USER_COLUMNS].reverse(), expected: [...USER_COLUMNS] },
  ])('$given → $expected (the table’s order, each once)', ({ given, expected }) => {
    expect(exportColumns(given)).toEqual(expected);
  });
});

describe('usersCsvWriter', () => {
  const all = usersCsvWriter(USER_COLUMNS);

  it('names every column in words, a name as two cells', () => {
    expect(all.header).toBe(
      'First name,Last name,E-mail,Role,Status,Module access,Last sign-in,Created,Scope,Rights\r\n',
    );
  });

  it.each([
    {
      rule: 'labels, modules in the catalogue’s order, ISO dates in UTC, lists joined with "; "',
      user: user(),
      line: 'Ana,Silva,ana@acme.test,Buyer,Active,Budget: Edit; Reporting: Read,2026-12-02T14:05:06.789Z,2026-01-31T00:00:00.000Z,"Globex France; Finance, France",Buyer; Data export\r\n',
    },
    {
      rule: 'never signed in, no access, no scope, no rights: empty cells',
      user: user({ lastLoginAt: null, moduleAccess: [], scope: [], rights: [], status: 'invited' }),
      line: 'Ana,Silva,ana@acme.test,Buyer,Invited,,,2026-01-31T00:00:00.000Z,,\r\n',
    },
    {
      rule: 'cells a spreadsheet would run as a formula get a leading apostrophe',
      user: user({ firstName: '=SUM(A1)', lastName: '+1', email: '-x@acme.test', roleName: '@role' }),
      line: "'=SUM(A1),'+1,'-x@acme.test,'@role,Active,Budget: Edit; Reporting: Read,2026-12-02T14:05:06.789Z,2026-01-31T00:00:00.000Z,\"Globex France; Finance, France\",Buyer; Data export\r\n",
    },
  ])('$rule', ({ user: u, line }) => {
    expect(all.line(u)).toBe(line);
  });

  it('writes only the columns asked for', () => {
    const writer = usersCsvWriter(['email', 'status']);
    expect(writer.header + writer.line(user())).toBe('E-mail,Status\r\nana@acme.test,Active\r\n');
  });
});

describe('usersExportInputSchema', () => {
  const id = '01a23a5a-aebf-732e-9d0c-a097fbe55f82';
  it.each([
    { input: {}, ok: true },
    { input: { filter: { status: ['active'] }, sort: { field: 'email', direction: 'desc' } }, ok: true },
    { input: { selection: { ids: [id] }, columns: ['email'] }, ok: true },
    { input: { selection: { filter: {}, expectedCount: 3, exceptIds: [id] } }, ok: true },
    { input: { filter: {}, selection: { ids: [id] } }, ok: false },
    { input: { columns: [] }, ok: false },
    { input: { columns: ['password'] }, ok: false },
    { input: { other: 1 }, ok: false },
  ])('$input → $ok', ({ input, ok }) => {
    expect(usersExportInputSchema.safeParse(input).success).toBe(ok);
  });
});

it('names the file after the moment, in UTC', () => {
  expect(usersExportFileName(new Date('2026-12-03T05:07:59Z'))).toBe('users-2026-12-03-0507.csv');
});
