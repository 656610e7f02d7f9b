import { describe, expect, it } from 'vitest';
import {
  emptyImportMapping,
  type ImportColumn,
  importColumnForHeader,
  importHeaderRefusal,
  matchImportHeaders,
  normalizeImportHeader,
  unmappedImportHeaders,
} from '../src';

describe('import headers', () => {
  it.each<[string, ImportColumn | null]>([
    ['email', 'email'],
    ['Email', 'email'],
    ['EMAIL', 'email'],
    ['  email  ', 'email'],
    ['\uFEFFemail', 'email'],
    ['ï»¿email', 'email'],
    ['E-mail', 'email'],
    ['e-mail address', 'email'],
    ['Email address', 'email'],
    ['Email*', 'email'],
    ['first_name', 'first_name'],
    ['First name', 'first_name'],
    ['first-name', 'first_name'],
    ['FirstName', 'first_name'],
    ['Given name', 'first_name'],
    ['last_name', 'last_name'],
    ['Last name', 'last_name'],
    ['Surname', 'last_name'],
    ['Family name', 'last_name'],
    ['role', 'role'],
    ['Role', 'role'],
    ['copy_access_from', 'copy_access_from'],
    ['Copy access from', 'copy_access_from'],
    ['copy-access-from', 'copy_access_from'],
    ['Department', null],
    ['name', null],
    ['', null],
  ])('reads %j as %s', (header, column) => {
    expect(importColumnForHeader(header)).toBe(column);
  });

  it('normalises case, spaces, punctuation and byte-order marks', () => {
    expect(normalizeImportHeader(' \uFEFFE-Mail  Address ')).toBe('e_mail_address');
  });

  it('maps each column to the index of its header and reports unknown ones', () => {
    const match = matchImportHeaders(['E-mail', 'Department', 'Surname', 'First name', '', 'Role']);
    expect(match.mapping).toEqual({ email: 0, first_name: 3, last_name: 2, role: 5, copy_access_from: null });
    expect(match.missingEmail).toBe(false);
    expect(match.duplicates).toEqual([]);
    expect(match.unknownHeaders).toEqual([{ index: 1, header: 'Department' }]);
    expect(importHeaderRefusal(match, ['E-mail'])).toBeNull();
  });

  it('reports a missing email column', () => {
    const headers = ['first_name', 'last_name'];
    const match = matchImportHeaders(headers);
    expect(match.missingEmail).toBe(true);
    expect(match.mapping.email).toBeNull();
    expect(importHeaderRefusal(match, headers)).toMatchObject({
      ok: false,
      reason: 'missing_email_column',
      headers,
    });
  });

  it('reports every header read as the same column, mapping the first', () => {
    const headers = ['email', 'first_name', 'E-mail', 'Email address'];
    const match = matchImportHeaders(headers);
    expect(match.mapping.email).toBe(0);
    expect(match.duplicates).toEqual([
      {
        column: 'email',
        headers: [
          { index: 0, header: 'email' },
          { index: 2, header: 'E-mail' },
          { index: 3, header: 'Email address' },
        ],
      },
    ]);
    const refusal = importHeaderRefusal(match, headers);
    expect(refusal?.reason).toBe('duplicate_headers');
    expect(refusal?.message).toBe(
      'The columns “email”, “E-mail”, “Email address” are all read as e-mail. Keep only one of them, or choose which to use in the column mapping.',
    );
    expect(refusal?.headers).toEqual(headers);
  });

  it('lists the headers an edited mapping leaves unread', () => {
    const mapping = { ...emptyImportMapping(), email: 2, first_name: 0 };
    expect(unmappedImportHeaders(['Given', 'Notes', 'Mail', ' '], mapping)).toEqual([
      { index: 1, header: 'Notes' },
    ]);
  });
});
