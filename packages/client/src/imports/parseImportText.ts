import {
  countImportDataLines,
  countImportOutcomes,
  IMPORT_LIMITS,
  type ImportColumnMapping,
  type ImportCounts,
  type ImportFileRefusal,
  type ImportHeaderRef,
  type ImportParseErrorReason,
  type ImportRow,
  type ImportRowResult,
  importFileRefusal,
  importHeaderRefusal,
  importJoinedLines,
  importLineCountNotice,
  isBlankRecord,
  matchImportHeaders,
  recordLineSpan,
  rowsFromRecords,
  unmappedImportHeaders,
  validateImportRows,
} from '@roster/domain';
import Papa from 'papaparse';

export type ImportDelimiter = ',' | ';';

/** A file that can be imported, every row judged by the rules that need no database. */
export type ImportParse = {
  ok: true;
  delimiter: ImportDelimiter;
  headers: string[];
  mapping: ImportColumnMapping;
  /** Headers the import does not read (their cells are ignored). */
  unknownHeaders: ImportHeaderRef[];
  rows: ImportRow[];
  results: ImportRowResult[];
  counts: ImportCounts;
  /** Set when the file's lines and its rows disagree: how many of each, and which lines made one row. */
  lineCountNotice: string | null;
};

export type ImportParseOptions = {
  /** The mapping the admin chose in the mapping step; without it, headers are matched by name. */
  mapping?: ImportColumnMapping;
};

/**
 * Comma or semicolon, as papaparse guesses from the first lines. Blank lines are left out of the
 * guess: papaparse counts them as one-field rows, which makes it give up on a short semicolon file
 * with an empty line in it and fall back to a comma.
 */
function guessDelimiter(text: string): ImportDelimiter {
  const { meta } = Papa.parse<string[]>(text, {
    preview: 10,
    skipEmptyLines: 'greedy',
    delimitersToGuess: [',', ';'],
  });
  return meta.delimiter === ';' ? ';' : ',';
}

/** What each error papaparse reports makes of its row. */
const PARSE_ERROR_REASONS: Record<Papa.ParseError['code'], ImportParseErrorReason> = {
  MissingQuotes: 'unclosed_quote',
  InvalidQuotes: 'misplaced_quote',
  UndetectableDelimiter: 'unreadable_line',
  TooFewFields: 'unreadable_line',
  TooManyFields: 'unreadable_line',
};

/** The first error papaparse reported on each record, by the record's index. */
function parseErrorsByRecord(
  errors: readonly Papa.ParseError[],
  records: readonly unknown[],
): Map<number, ImportParseErrorReason> {
  const byRecord = new Map<number, ImportParseErrorReason>();
  for (const error of errors) {
    // An error without a row is about the whole text: it is the last record's, where reading stopped.
    const index = error.row ?? records.length - 1;
    if (!byRecord.has(index)) byRecord.set(index, PARSE_ERROR_REASONS[error.code]);
  }
  return byRecord;
}

/** The text without the line breaks that end it: they end its last line, none starts another. */
function withoutFinalLineBreaks(text: string): string {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  return text.slice(0, end);
}

/** The line a record starts on (1-based), counting the lines of the records before it. */
function lineOfRecord(records: readonly (readonly string[])[], index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < records.length; i++) line += recordLineSpan(records[i] ?? []);
  return line;
}

/**
 * Parses the text of an import file (UTF-8 already decoded) and judges every row with the domain's
 * rules. Pure and synchronous: the inline path, the worker and the tests all run this.
 *
 * Every error the parser reports on a data row makes that row an error (its line, a sentence); one
 * on the header line refuses the file, whose columns are then unknown. A quote left open makes the
 * parser read the next lines into the row: the rows then fall short of the lines, which
 * `lineCountNotice` says.
 */
export function parseImportText(
  text: string,
  options: ImportParseOptions = {},
): ImportParse | ImportFileRefusal {
  const content = withoutFinalLineBreaks(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (content.trim() === '') return importFileRefusal('empty_file');

  const delimiter = guessDelimiter(content);
  const parsed = Papa.parse<string[]>(content, { delimiter, skipEmptyLines: false });
  const records = parsed.data;
  const parseErrors = parseErrorsByRecord(parsed.errors, records);

  // Blank lines before the header line are tolerated; the header is the first line with something in it.
  const headerIndex = records.findIndex((record) => !isBlankRecord(record));
  const headerRecord = records[headerIndex];
  if (!headerRecord) return importFileRefusal('empty_file');
  if (parseErrors.has(headerIndex)) {
    return importFileRefusal('unclosed_quote', { line: lineOfRecord(records, headerIndex) });
  }
  const headers = headerRecord.map((header) => header.trim());

  let mapping: ImportColumnMapping;
  let unknownHeaders: ImportHeaderRef[];
  if (options.mapping) {
    if (options.mapping.email === null) return importFileRefusal('missing_email_column', {}, headers);
    mapping = options.mapping;
    unknownHeaders = unmappedImportHeaders(headers, mapping);
  } else {
    const match = matchImportHeaders(headers);
    const refusal = importHeaderRefusal(match, headers);
    if (refusal) return refusal;
    mapping = match.mapping;
    unknownHeaders = match.unknownHeaders;
  }

  const firstDataLine = lineOfRecord(records, headerIndex) + recordLineSpan(headerRecord);
  const dataRecords = records.slice(headerIndex + 1);
  const dataParseErrors = new Map<number, ImportParseErrorReason>();
  for (const [index, reason] of parseErrors) {
    if (index > headerIndex) dataParseErrors.set(index - headerIndex - 1, reason);
  }
  const rows = rowsFromRecords(dataRecords, mapping, firstDataLine, dataParseErrors);
  if (rows.length === 0) return importFileRefusal('no_rows', {}, headers);
  if (rows.length > IMPORT_LIMITS.maxRows)
    return importFileRefusal('too_many_rows', { rows: rows.length }, headers);

  const results = validateImportRows(rows);
  const lineCountNotice = importLineCountNotice(
    countImportDataLines(content, delimiter, firstDataLine),
    rows.length,
    importJoinedLines(dataRecords, firstDataLine),
  );
  return {
    ok: true,
    delimiter,
    headers,
    mapping,
    unknownHeaders,
    rows,
    results,
    counts: countImportOutcomes(results),
    lineCountNotice,
  };
}
