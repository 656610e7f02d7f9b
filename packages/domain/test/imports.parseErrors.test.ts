import { describe, expect, it } from 'vitest';
import {
  countImportDataLines,
  createImportRowValidator,
  emptyImportMapping,
  type ImportParseError,
  type ImportRow,
  importJoinedLines,
  importLineCountNotice,
  importReasonOutcome,
  importRowHasEmail,
  importRowInputSchema,
  isImportReason,
  reasonSentence,
  rowsFromRecords,
  toImportRowInput,
  validateImportRows,
} from '../src';
import { importRow } from './importRowFactory';

const row = (fields: Partial<ImportRow> = {}) => importRow({ line: 5, ...fields });

describe('a row the CSV parser reported an error on', () => {
  it.each<[string, ImportParseError, string | null, string]>([
    [
      'a quote that swallowed the next line',
      { reason: 'misplaced_quote', lastLine: 6 },
      '6',
      'A quotation mark on this line is misplaced, so the lines after it, up to line 6, were read into this row. Check its quotation marks.',
    ],
    [
      'a misplaced quote on its own line only',
      { reason: 'misplaced_quote', lastLine: 5 },
      null,
      'A quotation mark on this line is misplaced: a value that starts with one must end with one. Check its quotation marks.',
    ],
    [
      'a quote never closed, to the end of the file',
      { reason: 'unclosed_quote', lastLine: 12 },
      '12',
      'A quoted value on this line is never closed, so the lines after it, up to line 12, were read into this row. Check its quotation marks.',
    ],
    [
      'anything else the parser cannot read',
      { reason: 'unreadable_line', lastLine: 5 },
      null,
      'This line could not be read as CSV. Check its quotation marks and separators.',
    ],
  ])('%s: an error with its line and a sentence, whatever its cells', (_, parseError, detail, sentence) => {
    // The cells are valid: only the parser's word makes it an error.
    const [result] = validateImportRows([row({ parseError })]);
    expect(result).toMatchObject({ line: 5, outcome: 'error', reason: parseError.reason, detail });
    expect(isImportReason(parseError.reason)).toBe(true);
    expect(importReasonOutcome(parseError.reason)).toBe('error');
    expect(reasonSentence(parseError.reason, detail)).toBe(sentence);
  });

  it('is nobody: a later row with the same e-mail is not its duplicate', () => {
    const validate = createImportRowValidator();
    const broken = validate(row({ parseError: { reason: 'misplaced_quote', lastLine: 6 } }));
    expect(importRowHasEmail(broken)).toBe(false);
    expect(validate(row({ line: 7 }))).toMatchObject({ outcome: 'create', reason: null });
  });

  it('travels to the server with its error, and the server decides it the same', () => {
    const original = row({ parseError: { reason: 'unclosed_quote', lastLine: 9 } });
    const sent = importRowInputSchema.parse(toImportRowInput(original));
    expect(sent.parseError).toEqual({ reason: 'unclosed_quote', lastLine: 9 });
    expect(validateImportRows([sent])).toEqual(validateImportRows([original]));
    expect(
      importRowInputSchema.safeParse({ ...sent, parseError: { reason: 'other', lastLine: 9 } }).success,
    ).toBe(false);
    expect(
      importRowInputSchema.safeParse({ ...sent, parseError: { reason: 'unclosed_quote' } }).success,
    ).toBe(false);
  });

  it('is a row even when blank, on the line it starts on, running to its last line', () => {
    const mapping = { ...emptyImportMapping(), email: 0, first_name: 1 };
    const records = [['ada@example.com', 'Ada'], ['grace@example.com', 'Grace\nalan@example.com,Alan'], ['']];
    const rows = rowsFromRecords(
      records,
      mapping,
      2,
      new Map([
        [1, 'misplaced_quote'],
        [2, 'unreadable_line'],
      ]),
    );
    expect(rows.map((r) => [r.line, r.parseError])).toEqual([
      [2, undefined],
      [3, { reason: 'misplaced_quote', lastLine: 4 }],
      [5, { reason: 'unreadable_line', lastLine: 5 }],
    ]);
  });
});

describe('the lines of a file against its rows', () => {
  it('counts the lines under the header that hold something, as an editor shows them', () => {
    const text =
      'email;name\r\nada@example.com;Ada\n\n ; ;\n"grace@example.com";"Grace\rHopper"\nlast@example.com';
    expect(countImportDataLines(text, ';', 2)).toBe(4);
    expect(countImportDataLines(text, ';', 1)).toBe(5);
    expect(countImportDataLines('email\n\u00a0\n', ',', 2)).toBe(0);
  });

  it('finds the records that run over several lines', () => {
    const records = [['a'], ['b\nc', 'd\r\ne'], [''], ['f']];
    expect(importJoinedLines(records, 2)).toEqual([{ line: 3, lastLine: 5 }]);
  });

  it.each<[string, number, number, { line: number; lastLine: number }[], string | null]>([
    ['as many rows as lines', 12, 12, [], null],
    [
      'one row over two lines',
      12,
      11,
      [{ line: 5, lastLine: 6 }],
      'This file has 12 lines under its header but 11 rows: lines 5–6 were read as one row (a quoted value runs over them). Check the quotation marks on line 5.',
    ],
    [
      'several, some not listed',
      20,
      13,
      [2, 4, 6, 8, 10, 12, 14].map((line) => ({ line, lastLine: line + 1 })),
      'This file has 20 lines under its header but 13 rows: lines 2–3, 4–5, 6–7, 8–9, 10–11 and 2 more were each read as one row (a quoted value runs over them). Check the quotation marks on the first line of each.',
    ],
    [
      'a disagreement with no row to name',
      2,
      1,
      [],
      'This file has 2 lines under its header but 1 row. Check its quotation marks.',
    ],
  ])('%s', (_, lines, rows, joined, notice) => {
    expect(importLineCountNotice(lines, rows, joined)).toBe(notice);
  });
});
