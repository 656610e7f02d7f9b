import { describe, expect, it } from 'vitest';
import {
  countImportOutcomes,
  createImportRowValidator,
  emailSchema,
  IMPORT_LIMITS,
  type ImportReason,
  type ImportRow,
  importReasonSentence,
  importRowInputSchema,
  importRowJsonBytesAtMost,
  matchImportHeaders,
  recordLineSpan,
  rowsFromRecords,
  storableImportRowInput,
  toImportRowInput,
  validateImportRows,
} from '../src';
import { importRow } from './importRowFactory';

const validateOne = (fields: Partial<ImportRow>) => validateImportRows([importRow(fields)])[0]!;

const MEGABYTE = 'x'.repeat(1024 * 1024);

describe('one row, every rule that needs no database', () => {
  it.each<[string, Partial<ImportRow>, 'create' | 'error', ImportReason | null, string | null]>([
    ['a complete row', {}, 'create', null, null],
    ['only an e-mail', { firstName: '', lastName: '', role: '', copyAccessFrom: '' }, 'create', null, null],
    ['an empty e-mail', { email: '' }, 'error', 'missing_email', null],
    ['an e-mail of spaces', { email: '   ' }, 'error', 'missing_email', null],
    ['no @', { email: 'ada.example.com' }, 'error', 'invalid_email', null],
    ['no domain', { email: 'ada@' }, 'error', 'invalid_email', null],
    ['a space inside', { email: 'ada love@example.com' }, 'error', 'invalid_email', null],
    ['two @', { email: 'ada@@example.com' }, 'error', 'invalid_email', null],
    ['a formula', { email: '=HYPERLINK("http://evil","x")' }, 'error', 'invalid_email', null],
    [
      'an e-mail of 255 characters',
      { email: `${'a'.repeat(243)}@example.com` },
      'error',
      'too_long',
      'email',
    ],
    ['a 1 MB e-mail', { email: `${MEGABYTE}@example.com` }, 'error', 'too_long', 'email'],
    ['a 1 MB first name', { firstName: MEGABYTE }, 'error', 'too_long', 'first_name'],
    ['a last name of 101 characters', { lastName: 'l'.repeat(101) }, 'error', 'too_long', 'last_name'],
    ['a role of 101 characters', { role: 'r'.repeat(101) }, 'error', 'too_long', 'role'],
    ['a 1 MB source', { copyAccessFrom: MEGABYTE }, 'error', 'too_long', 'copy_access_from'],
    ['a line break inside a name', { firstName: 'Ada\nByron' }, 'error', 'invalid_characters', 'first_name'],
    ['a NUL in a last name', { lastName: 'Love\u0000lace' }, 'error', 'invalid_characters', 'last_name'],
    ['a tab inside a role', { role: 'Read\ter' }, 'error', 'invalid_characters', 'role'],
    [
      'half of a surrogate pair in a name',
      { firstName: 'Ada\ud800' },
      'error',
      'invalid_characters',
      'first_name',
    ],
    ['a low surrogate alone in a role', { role: '\udc00Reader' }, 'error', 'invalid_characters', 'role'],
    ['an emoji (a whole surrogate pair) in a name', { lastName: 'Lovelace 😀' }, 'create', null, null],
    ['an emoji and then a tab', { lastName: '😀\tLovelace' }, 'error', 'invalid_characters', 'last_name'],
    ['a source that is no e-mail', { copyAccessFrom: 'grace' }, 'error', 'invalid_source_email', null],
    ['a source with capitals and spaces', { copyAccessFrom: ' Grace@Example.COM ' }, 'create', null, null],
  ])('%s', (_, fields, outcome, reason, detail) => {
    const result = validateOne(fields);
    expect({ outcome: result.outcome, reason: result.reason, detail: result.detail }).toEqual({
      outcome,
      reason,
      detail,
    });
  });

  it('accepts names of exactly the limit', () => {
    const name = 'n'.repeat(IMPORT_LIMITS.maxCellLength.first_name);
    expect(validateOne({ firstName: name, lastName: name }).outcome).toBe('create');
    expect(validateOne({ email: `${'a'.repeat(242)}@example.com` }).outcome).toBe('create');
  });

  it('trims and lower-cases e-mails, and trims the other cells', () => {
    expect(
      validateOne({
        email: '  Ada.Lovelace@Example.COM  ',
        firstName: ' Ada ',
        lastName: 'Lovelace  ',
        role: ' Project manager ',
        copyAccessFrom: ' Grace@Example.com',
      }),
    ).toEqual({
      line: 2,
      outcome: 'create',
      reason: null,
      detail: null,
      email: 'ada.lovelace@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      role: 'Project manager',
      copyAccessFrom: 'grace@example.com',
    });
  });

  it('judges e-mails exactly as sign-in does', () => {
    for (const email of [
      'a@b.co',
      'first.last+tag@sub.example.org',
      'a@b',
      'a..b@x.io',
      '.a@x.io',
      'é@x.io',
    ]) {
      const sameAsSignIn = emailSchema.safeParse(email).success;
      expect(validateOne({ email }).outcome === 'create', email).toBe(sameAsSignIn);
    }
  });
});

describe('the same e-mail twice', () => {
  it('creates the first occurrence and skips the later ones, whatever their case and spaces', () => {
    const results = validateImportRows([
      importRow({ line: 2, email: 'ada@example.com' }),
      importRow({ line: 3, email: 'grace@example.com' }),
      importRow({ line: 5, email: ' ADA@example.com ' }),
      importRow({ line: 9, email: 'Ada@Example.com', firstName: MEGABYTE }),
    ]);
    expect(results.map((r) => [r.line, r.outcome, r.reason, r.detail])).toEqual([
      [2, 'create', null, null],
      [3, 'create', null, null],
      [5, 'skip', 'duplicate_in_file', '2'],
      [9, 'skip', 'duplicate_in_file', '2'],
    ]);
    expect(importReasonSentence('duplicate_in_file', results[2]!.detail)).toBe(
      'The same e-mail is already on line 2.',
    );
  });

  it('counts a first occurrence with another error as the e-mail’s first line', () => {
    const results = validateImportRows([
      importRow({ line: 2, lastName: 'l'.repeat(101) }),
      importRow({ line: 3 }),
    ]);
    expect(results.map((r) => r.reason)).toEqual(['too_long', 'duplicate_in_file']);
  });

  it('does not count invalid e-mails as duplicates', () => {
    const results = validateImportRows([
      importRow({ line: 2, email: 'nope' }),
      importRow({ line: 3, email: 'nope' }),
    ]);
    expect(results.map((r) => r.reason)).toEqual(['invalid_email', 'invalid_email']);
  });

  it('remembers e-mails across chunks validated by one validator', () => {
    const validate = createImportRowValidator();
    const firstChunk = [importRow({ line: 2 })].map(validate);
    const secondChunk = [importRow({ line: 50_002, email: 'ADA@example.com' })].map(validate);
    expect(firstChunk[0]!.outcome).toBe('create');
    expect(secondChunk[0]).toMatchObject({ outcome: 'skip', reason: 'duplicate_in_file', detail: '2' });
  });

  it("takes the rest of the file's first lines from outside, as a batch on the server does", () => {
    const validate = createImportRowValidator(new Map([['ada@example.com', 7]]));
    const results = [
      importRow({ line: 7 }),
      importRow({ line: 9, email: 'Ada@example.com ', lastName: 'l'.repeat(101) }),
      importRow({ line: 12, email: 'grace@example.com' }),
      importRow({ line: 13, email: 'grace@example.com' }),
    ].map(validate);
    expect(results.map((r) => [r.line, r.reason, r.detail])).toEqual([
      [7, null, null],
      [9, 'duplicate_in_file', '7'],
      [12, null, null],
      [13, 'duplicate_in_file', '12'],
    ]);
    // Seen from a later batch, whose rows come after line 7.
    const later = createImportRowValidator(new Map([['ada@example.com', 7]]));
    expect(later(importRow({ line: 5_002 }))).toMatchObject({ reason: 'duplicate_in_file', detail: '7' });
  });
});

describe('rows from parsed records', () => {
  const mapping = matchImportHeaders([
    'email',
    'first_name',
    'last_name',
    'role',
    'copy_access_from',
  ]).mapping;

  it('skips blank records yet keeps the line each row starts on', () => {
    const records = [
      ['ada@example.com', 'Ada', 'Lovelace', 'Reader', ''],
      [''],
      ['   '],
      ['', '', '', '', ''], // a line of delimiters only, as spreadsheets leave at the end
      ['grace@example.com', 'Grace', 'Hopper', '', ''],
    ];
    expect(rowsFromRecords(records, mapping, 2).map((r) => [r.line, r.email])).toEqual([
      [2, 'ada@example.com'],
      [6, 'grace@example.com'],
    ]);
  });

  it('counts the lines inside quoted cells', () => {
    const records = [
      ['ada@example.com', 'Ada', 'Love\nlace', '', ''],
      ['grace@example.com', 'Grace\r\nMurray', 'Hop\rper', '', ''],
      ['alan@example.com', '', '', '', ''],
    ];
    expect(recordLineSpan(records[1]!)).toBe(3);
    expect(rowsFromRecords(records, mapping, 2).map((r) => r.line)).toEqual([2, 4, 7]);
  });

  it('reads cells through the mapping, missing cells and unmapped columns as empty', () => {
    const edited = { email: 2, first_name: 0, last_name: null, role: 7, copy_access_from: null };
    expect(rowsFromRecords([['Ada', 'ignored', 'ada@example.com']], edited, 5)).toEqual([
      { line: 5, email: 'ada@example.com', firstName: 'Ada', lastName: '', role: '', copyAccessFrom: '' },
    ]);
  });
});

describe('a row as the API receives it', () => {
  it('accepts a row sent through toImportRowInput, and refuses unknown keys or huge cells', () => {
    expect(importRowInputSchema.safeParse(toImportRowInput(importRow())).success).toBe(true);
    expect(importRowInputSchema.safeParse({ ...importRow(), admin: true }).success).toBe(false);
    expect(importRowInputSchema.safeParse(importRow({ firstName: MEGABYTE })).success).toBe(false);
    expect(importRowInputSchema.safeParse(importRow({ line: 0 })).success).toBe(false);
  });

  it.each<[string, Partial<ImportRow>]>([
    ['a 1 MB first name', { firstName: MEGABYTE }],
    ['a 1 MB e-mail', { email: `${MEGABYTE}@example.com` }],
    ['a padded e-mail', { email: `  Ada@Example.com${' '.repeat(400)}` }],
    ['a name just over the limit', { lastName: ` ${'l'.repeat(101)} ` }],
    ['a name at the limit', { lastName: 'l'.repeat(100) }],
    ['a line break in a name', { firstName: 'Ada\nByron' }],
  ])('gives the server the outcome the browser found: %s', (_, fields) => {
    const original = importRow(fields);
    const sent = importRowInputSchema.parse(toImportRowInput(original));
    const inBrowser = validateImportRows([original])[0]!;
    const onServer = validateImportRows([sent])[0]!;
    expect([onServer.outcome, onServer.reason, onServer.detail]).toEqual([
      inBrowser.outcome,
      inBrowser.reason,
      inBrowser.detail,
    ]);
  });
});

describe('a whole file', () => {
  it('validates 100,000 rows in one pass and counts them (speed is measured by the bench, not here)', () => {
    const rows = Array.from({ length: IMPORT_LIMITS.maxRows }, (_, i) =>
      importRow({ line: i + 2, email: i % 1000 === 999 ? 'Same@Example.com' : `user${i}@example.com` }),
    );
    const counts = countImportOutcomes(validateImportRows(rows));
    expect(counts).toEqual({
      total: 100_000,
      create: 99_901,
      skip: 99,
      error: 0,
      reasons: { duplicate_in_file: 99 },
    });
  });
});

describe('a row as the server keeps it', () => {
  it('has a stand-in for each character PostgreSQL cannot store, and the same verdict as the row sent', () => {
    const sent = [
      importRow({ line: 2, firstName: 'Ada\u0000' }),
      importRow({ line: 3, email: 'ada\u0000@example.com' }),
      importRow({ line: 4, lastName: 'Love\ud800lace', email: 'b@example.com' }),
      importRow({ line: 5, role: '\udfffReader', email: 'c@example.com' }),
      importRow({ line: 6, copyAccessFrom: 'grace\u0000@example.com', email: 'd@example.com' }),
      importRow({ line: 7, firstName: 'Zoë 😀', email: 'e@example.com' }),
    ].map(toImportRowInput);
    const kept = sent.map(storableImportRowInput);
    for (const stored of kept) expect(JSON.stringify(stored)).not.toMatch(/\\u0000|\\ud[89a-f]/);
    expect(kept[5]).toEqual(sent[5]);
    const verdict = (r: (typeof sent)[number]) => {
      const [v] = validateImportRows([r]);
      return [v?.outcome, v?.reason, v?.detail];
    };
    expect(kept.map(verdict)).toEqual(sent.map(verdict));
    expect(sent.map(verdict).map((v) => v[1])).toEqual([
      'invalid_characters',
      'invalid_email',
      'invalid_characters',
      'invalid_characters',
      'invalid_source_email',
      null,
    ]);
  });

  it('refuses a line number no file of the largest size can have', () => {
    const base = toImportRowInput(importRow());
    expect(importRowInputSchema.safeParse({ ...base, line: IMPORT_LIMITS.maxBytes + 1 }).success).toBe(true);
    expect(importRowInputSchema.safeParse({ ...base, line: IMPORT_LIMITS.maxBytes + 2 }).success).toBe(false);
    expect(importRowInputSchema.safeParse({ ...base, line: 2 ** 31 }).success).toBe(false);
  });
});

/** The UTF-8 length of a string without lone surrogates (JSON.stringify escapes those). */
const utf8Bytes = (text: string) => {
  let bytes = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
};

describe('importRowJsonBytesAtMost', () => {
  it('is never less than the bytes a row takes as JSON, whatever its characters', () => {
    const cells = ['', 'plain', '\u0001\u001f', '"\\', '漢字', '😀', '\ud800', 'é'.repeat(100)];
    for (const a of cells) {
      for (const b of cells) {
        const row = { line: 1_000_000, email: a, firstName: b, lastName: a, role: b, copyAccessFrom: a + b };
        expect(importRowJsonBytesAtMost(row)).toBeGreaterThanOrEqual(utf8Bytes(JSON.stringify(row)));
      }
    }
  });
});
