import { describe, expect, it } from 'vitest';
import {
  DOMAIN_ERROR_CODES,
  DomainError,
  IMPORT_ERROR_REASONS,
  IMPORT_FILE_REFUSALS,
  IMPORT_SKIP_REASONS,
  type ImportFileRefusalReason,
  type ImportReason,
  type ImportRow,
  importErrorsCsv,
  importFileRefusal,
  importFileRefusalMessage,
  importReasonOutcome,
  importReasonSentence,
  isImportReason,
  validateImportRows,
} from '../src';

describe('import reasons', () => {
  it.each<[ImportReason, string | null, 'skip' | 'error', string]>([
    ['already_exists', null, 'skip', 'A user with this e-mail already exists.'],
    ['duplicate_in_file', '4', 'skip', 'The same e-mail is already on line 4.'],
    ['missing_email', null, 'error', 'The e-mail is empty.'],
    ['invalid_email', null, 'error', 'This is not a valid e-mail address.'],
    ['too_long', 'email', 'error', 'The e-mail has more than 254 characters.'],
    ['too_long', 'first_name', 'error', 'The first name has more than 100 characters.'],
    ['too_long', 'copy_access_from', 'error', 'The copy_access_from e-mail has more than 254 characters.'],
    ['too_long', 'nonsense', 'error', 'A value is too long.'],
    [
      'invalid_characters',
      'last_name',
      'error',
      'The last name contains a line break, tab or other control character.',
    ],
    ['invalid_source_email', null, 'error', 'The copy_access_from value is not a valid e-mail address.'],
    ['unknown_role', 'Astronaut', 'error', 'No role is named “Astronaut”.'],
    ['unknown_role', null, 'error', 'No role has this name.'],
    [
      'unknown_source_user',
      'grace@example.com',
      'error',
      'No user has the e-mail grace@example.com to copy access from.',
    ],
    [
      'source_is_new',
      null,
      'error',
      'The user to copy access from is created by this same import. Import that user first, then copy access.',
    ],
  ])('%s (%s) is an %s: %s', (reason, detail, outcome, sentence) => {
    expect(importReasonOutcome(reason)).toBe(outcome);
    expect(importReasonSentence(reason, detail)).toBe(sentence);
  });

  it('knows its codes and no others', () => {
    for (const reason of [...Object.keys(IMPORT_SKIP_REASONS), ...Object.keys(IMPORT_ERROR_REASONS)]) {
      expect(isImportReason(reason)).toBe(true);
    }
    expect(isImportReason('toString')).toBe(false);
    expect(isImportReason('already_has_role')).toBe(false);
  });
});

describe('refused files', () => {
  it.each<[ImportFileRefusalReason, Parameters<typeof importFileRefusalMessage>[1], string]>([
    ['empty_file', {}, 'This file is empty.'],
    ['no_rows', {}, 'This file has a header line but no users under it.'],
    [
      'missing_email_column',
      {},
      'This file has no email column. Name the column of e-mail addresses “email”, or choose it in the column mapping.',
    ],
    [
      'too_many_rows',
      { rows: 100_001 },
      'This file has 100,001 users; an import holds at most 100,000. Split it into smaller files.',
    ],
    ['too_many_rows', {}, 'An import holds at most 100,000 users. Split this file into smaller ones.'],
    [
      'file_too_large',
      { bytes: 21 * 1024 * 1024 },
      'This file is 21.0 MB; an import file is at most 20 MB. Split it into smaller files.',
    ],
    [
      'not_utf8',
      {},
      'This file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”; in other tools, choose the UTF-8 encoding.',
    ],
    [
      'unclosed_quote',
      { line: 7 },
      'The quoted value that starts on line 7 is never closed. Check the quotation marks on that line.',
    ],
  ])('%s %j: %s', (reason, facts, message) => {
    expect(importFileRefusalMessage(reason, facts)).toBe(message);
  });

  it('are domain errors the API answers with BAD_REQUEST', () => {
    for (const reason of IMPORT_FILE_REFUSALS) {
      expect(DOMAIN_ERROR_CODES[reason]).toBe('BAD_REQUEST');
      expect(new DomainError(reason).message).toBe(importFileRefusalMessage(reason));
    }
  });

  it('carry the line and headers when known', () => {
    expect(importFileRefusal('unclosed_quote', { line: 3 })).toEqual({
      ok: false,
      reason: 'unclosed_quote',
      message: importFileRefusalMessage('unclosed_quote', { line: 3 }),
      line: 3,
    });
  });
});

describe('the errors file', () => {
  const row = (line: number, fields: Partial<ImportRow> = {}): ImportRow => ({
    line,
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    role: '',
    copyAccessFrom: '',
    ...fields,
  });
  const HEADER = '\uFEFFline,email,first_name,last_name,role,copy_access_from,outcome,reason,sentence\r\n';

  it('lists the rows not created, as the file had them, with their reason and sentence', () => {
    const rows = [
      row(2),
      row(4, { email: ' Ada@Example.com ' }),
      row(5, { role: 'Astronaut' }),
      row(9, { email: 'X' }),
    ];
    const csv = importErrorsCsv(rows, [
      { line: 9, outcome: 'error', reason: 'invalid_email' },
      { line: 2, outcome: 'create', reason: null },
      { line: 4, outcome: 'skip', reason: 'duplicate_in_file', detail: '2' },
      { line: 5, outcome: 'error', reason: 'unknown_role', detail: 'Astronaut' },
    ]);
    expect(csv).toBe(
      HEADER +
        '4," Ada@Example.com ",Ada,Lovelace,,,skip,duplicate_in_file,The same e-mail is already on line 2.\r\n' +
        '5,ada@example.com,Ada,Lovelace,Astronaut,,error,unknown_role,No role is named “Astronaut”.\r\n' +
        '9,X,Ada,Lovelace,,,error,invalid_email,This is not a valid e-mail address.\r\n',
    );
  });

  it('escapes formula cells and quotes commas, quotes and line breaks', () => {
    const rows = [
      row(2, {
        email: '=HYPERLINK("http://evil.example","Click")',
        firstName: '+1 555',
        lastName: '-Smith, "Jr"',
        role: '@admin',
      }),
      row(3, { firstName: 'Ada\nByron' }),
    ];
    const csv = importErrorsCsv(rows, validateImportRows(rows));
    const lines = csv.split('\r\n');
    expect(lines[1]).toBe(
      `2,"'=HYPERLINK(""http://evil.example"",""Click"")",'+1 555,"'-Smith, ""Jr""",'@admin,,error,invalid_email,This is not a valid e-mail address.`,
    );
    expect(lines[2]).toBe(
      '3,ada@example.com,"Ada\nByron",Lovelace,,,error,invalid_characters,"The first name contains a line break, tab or other control character."',
    );
    expect(csv).not.toMatch(/(^|,)[=+\-@]/m);
  });

  it('is only its header when every row is created', () => {
    expect(importErrorsCsv([row(2)], validateImportRows([row(2)]))).toBe(HEADER);
  });
});
