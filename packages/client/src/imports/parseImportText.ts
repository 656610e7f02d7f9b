import {
  countImportOutcomes,
  IMPORT_LIMITS,
  type ImportColumnMapping,
  type ImportCounts,
  type ImportFileRefusal,
  type ImportHeaderRef,
  type ImportRow,
  type ImportRowResult,
  importFileRefusal,
  importHeaderRefusal,
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

/** The line a record starts on (1-based), counting the lines of the records before it. */
function lineOfRecord(records: readonly (readonly string[])[], index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < records.length; i++) line += recordLineSpan(records[i] ?? []);
  return line;
}

/**
 * Parses the text of an import file (UTF-8 already decoded) and judges every row with the domain's
 * rules. Pure and synchronous: the inline path, the worker and the tests all run this.
 */
export function parseImportText(
  text: string,
  options: ImportParseOptions = {},
): ImportParse | ImportFileRefusal {
  const content = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (content.trim() === '') return importFileRefusal('empty_file');

  const delimiter = guessDelimiter(content);
  const parsed = Papa.parse<string[]>(content, { delimiter, skipEmptyLines: false });
  const records = parsed.data;
  const unclosed = parsed.errors.find((error) => error.code === 'MissingQuotes');
  if (unclosed) {
    return importFileRefusal('unclosed_quote', { line: lineOfRecord(records, unclosed.row ?? 0) });
  }

  // Blank lines before the header line are tolerated; the header is the first line with something in it.
  const headerIndex = records.findIndex((record) => !isBlankRecord(record));
  const headerRecord = records[headerIndex];
  if (!headerRecord) return importFileRefusal('empty_file');
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
  const rows = rowsFromRecords(records.slice(headerIndex + 1), mapping, firstDataLine);
  if (rows.length === 0) return importFileRefusal('no_rows', {}, headers);
  if (rows.length > IMPORT_LIMITS.maxRows)
    return importFileRefusal('too_many_rows', { rows: rows.length }, headers);

  const results = validateImportRows(rows);
  return {
    ok: true,
    delimiter,
    headers,
    mapping,
    unknownHeaders,
    rows,
    results,
    counts: countImportOutcomes(results),
  };
}
