import { describe, expect, it } from 'vitest';
import {
  type BulkOperationKind,
  type BulkResultCsvItem,
  bulkResultsCsvWriter,
  bulkResultsFileName,
  changeNames,
  describeChange,
  describeChangeFields,
  formatUtcMinute,
  personName,
} from '../src';

const names = changeNames(
  [
    { id: 'r-reader', name: 'Reader' },
    { id: 'r-contributor', name: 'Contributor' },
  ],
  [
    { id: 'u-finance', name: 'Finance' },
    { id: 'u-sales', name: 'Sales' },
  ],
);

const item = (fields: Partial<BulkResultCsvItem> = {}): BulkResultCsvItem => ({
  position: 1,
  userId: 'user-1',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  outcome: 'change',
  reason: null,
  before: null,
  after: null,
  ...fields,
});

describe('a change in words, field by field', () => {
  it.each<[string, unknown, unknown, [string, string, string][]]>([
    [
      'a role, by name',
      { roleId: 'r-reader' },
      { roleId: 'r-contributor' },
      [['Role', 'Reader', 'Contributor']],
    ],
    [
      'a role no longer known',
      { roleId: 'r-gone' },
      { roleId: 'r-reader' },
      [['Role', 'Unknown role', 'Reader']],
    ],
    ['a status', { status: 'active' }, { status: 'deactivated' }, [['Status', 'Active', 'Deactivated']]],
    [
      'an invitation, dates stored as text',
      { status: 'created' },
      { status: 'invited', invitationExpiresAt: '2026-12-09T14:05:59.000Z' },
      [
        ['Status', 'Created', 'Invited'],
        ['Invitation valid until', '—', '2026-12-09 14:05 UTC'],
      ],
    ],
    [
      'modules, only those that differ',
      { modules: { portfolio: 'read', budget: 'edit' } },
      { modules: { portfolio: 'edit', budget: 'edit', reporting: 'read' } },
      [
        ['Portfolio', 'Read', 'Edit'],
        ['Reporting', 'No access', 'Read'],
      ],
    ],
    [
      'a scope and rights, as whole lists by name',
      { scope: [], rights: ['buyer'] },
      { scope: ['u-finance', 'u-sales'], rights: ['buyer', 'data_export'] },
      [
        ['Scope', '—', 'Finance, Sales'],
        ['Rights', 'Buyer', 'Buyer, Data export'],
      ],
    ],
  ])('%s', (_, before, after, fields) => {
    expect(describeChangeFields(before, after, names, formatUtcMinute)).toEqual(
      fields.map(([label, b, a]) => ({ label, before: b, after: a })),
    );
  });

  it('lists what a set gains and loses, for the web diff', () => {
    expect(describeChange({ scope: ['u-sales'] }, { scope: ['u-finance'] }, names, formatUtcMinute)).toEqual([
      { kind: 'set', label: 'Scope', added: ['Finance'], removed: ['Sales'] },
    ]);
  });
});

describe('the results CSV', () => {
  it('writes a user operation with its name, the outcome in words and the fields before and after', () => {
    const csv = bulkResultsCsvWriter('assign_role', names);
    expect(csv.header).toBe('user_id,email,name,outcome,reason,sentence,before,after\r\n');
    expect(csv.line(item({ before: { roleId: 'r-reader' }, after: { roleId: 'r-contributor' } }))).toBe(
      'user-1,ada@example.com,Ada Lovelace,Changed,,,Role: Reader,Role: Contributor\r\n',
    );
    expect(csv.line(item({ outcome: 'blocked', reason: 'self' }))).toBe(
      'user-1,ada@example.com,Ada Lovelace,Blocked,self,You cannot do this to your own account.,,\r\n',
    );
  });

  it('writes an import row with its line and the page’s words: created, not created', () => {
    const csv = bulkResultsCsvWriter('import', names);
    expect(csv.header).toBe('line,user_id,email,name,outcome,reason,sentence\r\n');
    expect(csv.line(item({ position: 7 }))).toBe('7,user-1,ada@example.com,Ada Lovelace,Created,,\r\n');
    expect(
      csv.line(
        item({
          position: 9,
          userId: null,
          outcome: 'blocked',
          reason: 'unknown_role',
          after: { detail: 'Pilot' },
        }),
      ),
    ).toBe('9,,ada@example.com,Ada Lovelace,Not created,unknown_role,No role is named “Pilot”.\r\n');
  });

  it.each(['=1+1', '+SUM(A1)', '-2', '@cmd'])('escapes a formula cell: %s', (formula) => {
    const line = bulkResultsCsvWriter('deactivate', names).line(item({ email: formula, name: formula }));
    expect(line.startsWith(`user-1,'${formula},'${formula},Changed`)).toBe(true);
  });

  it('writes a name as people read it', () => {
    expect(personName(' Ada ', 'Lovelace ')).toBe('Ada Lovelace');
    expect(personName('', null)).toBe('');
  });
});

describe('the results file name', () => {
  it.each<[BulkOperationKind, string, string]>([
    ['assign_role', '2026-12-02T14:05:59.999Z', 'assign-role-2026-12-02-1405.csv'],
    ['copy_access', '2026-01-05T03:04:00Z', 'copy-access-2026-01-05-0304.csv'],
    ['resend_invitation', '2026-12-31T23:59:00Z', 'resend-invitation-2026-12-31-2359.csv'],
    ['import', '2027-02-01T00:00:00Z', 'import-2027-02-01-0000.csv'],
    ['revert', '2026-06-15T12:30:00Z', 'revert-2026-06-15-1230.csv'],
  ])('%s applied at %s: %s', (kind, at, name) => {
    expect(bulkResultsFileName(kind, new Date(at))).toBe(name);
  });
});
