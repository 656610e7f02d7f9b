import { type ImportParse, parseImportBytes, parseImportText } from '@roster/client/imports';
import { IMPORT_LIMITS, importErrorsCsv } from '@roster/domain';
import { describe, expect, it } from 'vitest';
import { parseImportFile } from './parseImportFile';
import { readParseImportRequest } from './parseImportRequest';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The parse of a file that must be accepted. */
function accepted(text: string): ImportParse {
  const parse = parseImportText(text);
  if (!parse.ok) throw new Error(`refused: ${parse.reason}: ${parse.message}`);
  return parse;
}

const outcomes = (parse: ImportParse) => parse.results.map((r) => [r.line, r.outcome, r.reason, r.detail]);

describe('files refused as a whole, each with its message', () => {
  it.each([
    ['an empty file', '', 'empty_file', 'This file is empty.'],
    ['only blank lines', '\n\r\n  \n', 'empty_file', 'This file is empty.'],
    ['only a byte-order mark', '\uFEFF', 'empty_file', 'This file is empty.'],
    [
      'a header line only',
      'email,first_name,last_name\n',
      'no_rows',
      'This file has a header line but no users under it.',
    ],
    [
      'a header and blank lines',
      'email,first_name\n\n,\n \n',
      'no_rows',
      'This file has a header line but no users under it.',
    ],
    [
      'no email column',
      'name,role\nAda Lovelace,Reader\n',
      'missing_email_column',
      'This file has no email column. Name the column of e-mail addresses “email”, or choose it in the column mapping.',
    ],
    [
      'two e-mail columns',
      'Email,first_name,E-mail\nada@example.com,Ada,ada@example.org\n',
      'duplicate_headers',
      'The columns “Email”, “E-mail” are all read as e-mail. Keep only one of them, or choose which to use in the column mapping.',
    ],
    [
      'the same header twice',
      'email,last_name,last_name\nada@example.com,Lovelace,Byron\n',
      'duplicate_headers',
      'The columns “last_name”, “last_name” are all read as last name. Keep only one of them, or choose which to use in the column mapping.',
    ],
    [
      'a quote never closed in the header line',
      '\nemail,"first_name\nada@example.com,Ada\n',
      'unclosed_quote',
      'The quoted value that starts on line 2 is never closed. Check the quotation marks on that line.',
    ],
  ])('%s', (_, text, reason, message) => {
    expect(parseImportText(text)).toMatchObject({ ok: false, reason, message });
  });

  it('keeps the headers of a file refused for its headers, for the mapping step', () => {
    expect(parseImportText('Name;Mail address;Notes\nAda;ada@example.com;x')).toMatchObject({
      ok: false,
      reason: 'missing_email_column',
      headers: ['Name', 'Mail address', 'Notes'],
    });
  });

  it('refuses Latin-1 bytes as not UTF-8', () => {
    const latin1 = Uint8Array.from([
      ...utf8('email,first_name\nfrancois@example.com,Fran'),
      0xe7,
      ...utf8('ois\n'),
    ]);
    expect(parseImportBytes(latin1)).toEqual({
      ok: false,
      reason: 'not_utf8',
      message:
        'This file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”; in other tools, choose the UTF-8 encoding.',
    });
  });

  it('refuses UTF-16, with or without its byte-order mark', () => {
    const utf16 = (text: string) => Uint8Array.from([...text].flatMap((c) => [c.charCodeAt(0), 0]));
    expect(parseImportBytes(Uint8Array.from([0xff, 0xfe, ...utf16('email\na@b.co\n')]))).toMatchObject({
      reason: 'not_utf8',
    });
    expect(parseImportBytes(utf16('email\na@b.co\n'))).toMatchObject({ reason: 'not_utf8' });
  });

  it('refuses 100,001 rows and accepts 100,000', () => {
    const file = (rows: number) =>
      `email\n${Array.from({ length: rows }, (_, i) => `user${i}@example.com`).join('\n')}\n`;
    expect(parseImportText(file(IMPORT_LIMITS.maxRows + 1))).toMatchObject({
      ok: false,
      reason: 'too_many_rows',
      message: 'This file has 100,001 users; an import holds at most 100,000. Split it into smaller files.',
    });
    expect(accepted(file(IMPORT_LIMITS.maxRows)).counts.create).toBe(100_000);
  });

  it('refuses a file over 20 MB before reading it', async () => {
    const big = new Blob([new Uint8Array(IMPORT_LIMITS.maxBytes + 1)]);
    expect(await parseImportFile(big)).toMatchObject({
      ok: false,
      reason: 'file_too_large',
      message: 'This file is 20.1 MB; an import file is at most 20 MB. Split it into smaller files.',
    });
    expect(parseImportBytes(new Uint8Array(IMPORT_LIMITS.maxBytes + 1))).toMatchObject({
      reason: 'file_too_large',
    });
  });
});

describe('files read row by row', () => {
  it('reads semicolons', () => {
    const parse = accepted(
      'email;first_name;last_name\nada@example.com;Ada;Lovelace\n\ngrace@example.com;Grace;Hopper\n',
    );
    expect(parse.delimiter).toBe(';');
    expect(parse.rows).toEqual([
      {
        line: 2,
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        role: '',
        copyAccessFrom: '',
      },
      {
        line: 4,
        email: 'grace@example.com',
        firstName: 'Grace',
        lastName: 'Hopper',
        role: '',
        copyAccessFrom: '',
      },
    ]);
  });

  it('reads a semicolon file whose names hold commas', () => {
    const parse = accepted('email;last_name\nada@example.com;"Lovelace, Countess"\n');
    expect(parse.rows[0]?.lastName).toBe('Lovelace, Countess');
  });

  it('reads a file with a byte-order mark, as bytes or as text', async () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('Email,First name\r\nada@example.com,Ada\r\n')]);
    const parse = await parseImportFile(new File([bytes], 'users.csv', { type: 'text/csv' }));
    expect(parse).toMatchObject({ ok: true, headers: ['Email', 'First name'], counts: { create: 1 } });
    expect(accepted('\uFEFFemail\nada@example.com').mapping.email).toBe(0);
  });

  it('reads quoted commas, quotes and line breaks, and numbers lines as the file does', () => {
    const parse = accepted(
      'email,first_name,last_name,role\r\n' +
        '"ada@example.com","Ada, Countess","Lovelace ""the first""",Reader\r\n' +
        'charles@example.com,Charles,"Bab\r\nbage",Reader\r\n' +
        'grace@example.com,Grace,Hopper,"Project\nmanager"\r\n' +
        'alan@example.com,Alan,Turing,\r\n',
    );
    expect(parse.rows.map((r) => [r.line, r.firstName, r.lastName])).toEqual([
      [2, 'Ada, Countess', 'Lovelace "the first"'],
      [3, 'Charles', 'Bab\r\nbage'],
      [5, 'Grace', 'Hopper'],
      [7, 'Alan', 'Turing'],
    ]);
    expect(outcomes(parse)).toEqual([
      [2, 'create', null, null],
      [3, 'error', 'invalid_characters', 'last_name'],
      [5, 'error', 'invalid_characters', 'role'],
      [7, 'create', null, null],
    ]);
  });

  it('makes a quote never closed an error on its line, which the rest of the file was read into', () => {
    const parse = accepted(
      'email,first_name\nada@example.com,Ada\n\ngrace@example.com,"Grace\nhopper@example.com,Hopper\n',
    );
    expect(outcomes(parse)).toEqual([
      [2, 'create', null, null],
      [4, 'error', 'unclosed_quote', '5'],
    ]);
    expect(parse.lineCountNotice).toBe(
      'This file has 3 lines under its header but 2 rows: lines 4–5 were read as one row (a quoted value runs over them). Check the quotation marks on line 4.',
    );
  });

  it('skips blank lines and keeps the true line numbers', () => {
    const parse = accepted('\nemail,first_name\n\nada@example.com,Ada\n\n\n,\ngrace@example.com,Grace\n\n');
    expect(parse.rows.map((r) => [r.line, r.email])).toEqual([
      [4, 'ada@example.com'],
      [8, 'grace@example.com'],
    ]);
  });

  it('trims spaces and lower-cases capitals in e-mails', () => {
    const parse = accepted('email,first_name\n  Ada.Lovelace@Example.COM  ,  Ada \n');
    expect(parse.results[0]).toMatchObject({
      outcome: 'create',
      email: 'ada.lovelace@example.com',
      firstName: 'Ada',
    });
    expect(parse.rows[0]?.email).toBe('  Ada.Lovelace@Example.COM  ');
  });

  it('creates the first of the same e-mail twice and skips the second', () => {
    const parse = accepted('email\nada@example.com\ngrace@example.com\nADA@example.com \n');
    expect(outcomes(parse)).toEqual([
      [2, 'create', null, null],
      [3, 'create', null, null],
      [4, 'skip', 'duplicate_in_file', '2'],
    ]);
    expect(parse.counts).toEqual({
      total: 3,
      create: 2,
      skip: 1,
      error: 0,
      reasons: { duplicate_in_file: 1 },
    });
  });

  it('finds a 1 MB cell too long', () => {
    const parse = accepted(
      `email,first_name\nada@example.com,${'x'.repeat(1024 * 1024)}\ngrace@example.com,Grace\n`,
    );
    expect(outcomes(parse)).toEqual([
      [2, 'error', 'too_long', 'first_name'],
      [3, 'create', null, null],
    ]);
  });

  it('flags missing and invalid e-mails on their lines', () => {
    const parse = accepted('email,first_name\n,Ada\nnot-an-email,Grace\nalan@example.com,Alan\n');
    expect(outcomes(parse)).toEqual([
      [2, 'error', 'missing_email', null],
      [3, 'error', 'invalid_email', null],
      [4, 'create', null, null],
    ]);
  });

  it('gives back formula cells escaped in the errors file', () => {
    const parse = accepted(
      'email,first_name,last_name\n' +
        '"=HYPERLINK(""http://evil.example"",""Click"")",@SUM(1),-2+3\n' +
        'ada@example.com,+Ada,Lovelace\n',
    );
    expect(outcomes(parse)).toEqual([
      [2, 'error', 'invalid_email', null],
      [3, 'create', null, null],
    ]);
    expect(importErrorsCsv(parse.rows, parse.results).split('\r\n')[1]).toBe(
      `2,"'=HYPERLINK(""http://evil.example"",""Click"")",'@SUM(1),'-2+3,,,error,invalid_email,This is not a valid e-mail address.`,
    );
  });

  it('matches headers by name and reports the ones it ignores', () => {
    const parse = accepted(
      'E-mail,Given name,Surname,Department,Role,Copy access from\nada@example.com,Ada,Lovelace,R&D,Reader,grace@example.com\n',
    );
    expect(parse.mapping).toEqual({ email: 0, first_name: 1, last_name: 2, role: 4, copy_access_from: 5 });
    expect(parse.unknownHeaders).toEqual([{ index: 3, header: 'Department' }]);
    expect(parse.results[0]).toMatchObject({
      outcome: 'create',
      role: 'Reader',
      copyAccessFrom: 'grace@example.com',
    });
  });

  it('reads a file again through the mapping the admin chose', () => {
    const text = 'Name;Mail address;Notes\nAda;ada@example.com;x\n';
    const parse = parseImportText(text, {
      mapping: { email: 1, first_name: 0, last_name: null, role: null, copy_access_from: null },
    });
    expect(parse).toMatchObject({
      ok: true,
      unknownHeaders: [{ index: 2, header: 'Notes' }],
      rows: [{ line: 2, email: 'ada@example.com', firstName: 'Ada' }],
    });
    expect(
      parseImportText(text, {
        mapping: { email: null, first_name: 0, last_name: null, role: null, copy_access_from: null },
      }),
    ).toMatchObject({ ok: false, reason: 'missing_email_column' });
  });
});

describe('the file as uploaded', () => {
  it('is hashed with SHA-256, whether given as a file or as text', async () => {
    const text = 'email\nada@example.com\n';
    const fromFile = await parseImportFile(new File([text], 'users.csv'));
    const fromText = await parseImportFile(text);
    // sha256("email\nada@example.com\n"), computed independently with sha256sum.
    const expected = 'd55d4e619e82cc277a9282040fdd9fa6c9c0c987b2141693eb50075980aa221d';
    expect(fromFile.ok && fromFile.fileSha256).toBe(expected);
    expect(fromText.ok && fromText.fileSha256).toBe(expected);
  });

  it('travels to the worker as bytes and a checked mapping', () => {
    const bytes = utf8('email\n');
    const mapping = { email: 0, first_name: null, last_name: null, role: null, copy_access_from: null };
    expect(readParseImportRequest({ bytes, mapping })).toEqual({ bytes, mapping });
    expect(readParseImportRequest({ bytes, mapping: null })).toEqual({ bytes, mapping: null });
    expect(readParseImportRequest({ bytes, mapping: { email: -1 } })).toBeNull();
    expect(readParseImportRequest({ text: 'email' })).toBeNull();
  });
});
