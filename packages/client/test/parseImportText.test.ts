import { describe, expect, it } from 'vitest';
import { type ImportParse, parseImportText } from '../src/imports';

function accepted(text: string): ImportParse {
  const parse = parseImportText(text);
  if (!parse.ok) throw new Error(`refused: ${parse.reason}: ${parse.message}`);
  return parse;
}

const problems = (parse: ImportParse) =>
  parse.results.filter((r) => r.outcome !== 'create').map((r) => [r.line, r.reason, r.detail]);

/** A header and 12 data lines (lines 2 to 13); `broken` replaces the data line at that line. */
function twelveLines(broken: Record<number, string>): string {
  const lines = ['email,first_name,last_name'];
  for (let line = 2; line <= 13; line++) lines.push(broken[line] ?? `user${line}@example.com,User,${line}`);
  return `${lines.join('\n')}\n`;
}

describe('every error the CSV parser reports is a row error with its line', () => {
  it('a quote left open that swallows the next line: 12 lines, 11 rows, said at row and file level', () => {
    const parse = accepted(
      twelveLines({ 5: 'user5@example.com,"Bob,Smith', 6: 'user6@example.com,"Dee",Dee' }),
    );
    expect(parse.rows).toHaveLength(11);
    expect(parse.rows.find((r) => r.line === 5)?.parseError).toEqual({
      reason: 'misplaced_quote',
      lastLine: 6,
    });
    expect(problems(parse)).toEqual([[5, 'misplaced_quote', '6']]);
    expect(parse.counts).toMatchObject({ total: 11, create: 10, error: 1 });
    expect(parse.lineCountNotice).toBe(
      'This file has 12 lines under its header but 11 rows: lines 5–6 were read as one row (a quoted value runs over them). Check the quotation marks on line 5.',
    );
  });

  it('a quote never closed: the row it starts on is an error that ran to the last line, the rows before it stay', () => {
    const parse = accepted(twelveLines({ 11: 'user11@example.com,"Eve,Adams' }));
    expect(parse.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(problems(parse)).toEqual([[11, 'unclosed_quote', '13']]);
    expect(parse.lineCountNotice).toBe(
      'This file has 12 lines under its header but 10 rows: lines 11–13 were read as one row (a quoted value runs over them). Check the quotation marks on line 11.',
    );
  });

  it('a quote never closed on the last line: an error on that line alone', () => {
    const parse = accepted('email,first_name\nada@example.com,Ada\ngrace@example.com,"Grace\n');
    expect(problems(parse)).toEqual([[3, 'unclosed_quote', null]]);
    expect(parse.lineCountNotice).toBeNull();
  });

  it('text after a closing quote, on one line', () => {
    const parse = accepted('email;first_name\nada@example.com;"Ada"x\ngrace@example.com;Grace\n');
    expect(problems(parse)).toEqual([[2, 'misplaced_quote', '3']]);
    expect(parse.rows).toHaveLength(1);
  });

  it('a quote in the header line refuses the file: its columns are unknown', () => {
    expect(parseImportText('email,"first_name\nada@example.com,Ada\n')).toMatchObject({
      ok: false,
      reason: 'unclosed_quote',
      line: 1,
    });
  });

  it('a quoted value with line breaks is no parse error, yet the file says its lines are fewer rows', () => {
    const parse = accepted('email,last_name\nada@example.com,"Love\nlace"\ngrace@example.com,Hopper\n');
    expect(problems(parse)).toEqual([[2, 'invalid_characters', 'last_name']]);
    expect(parse.lineCountNotice).toBe(
      'This file has 3 lines under its header but 2 rows: lines 2–3 were read as one row (a quoted value runs over them). Check the quotation marks on line 2.',
    );
  });

  it('a file whose rows are its lines has no notice, blank lines and a final line break included', () => {
    const parse = accepted('email\r\nada@example.com\r\n\r\n,\r\ngrace@example.com\r\n\r\n');
    expect(parse.rows.map((r) => r.line)).toEqual([2, 5]);
    expect(parse.lineCountNotice).toBeNull();
  });
});
