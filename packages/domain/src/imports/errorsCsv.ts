import { csvRow } from '../csv';
import { IMPORT_COLUMNS } from './columns';
import { type ImportOutcome, type ImportReason, importReasonSentence } from './reasons';
import type { ImportRow } from './rows';

/** A row's fate as the errors file needs it (an `ImportRowResult`, or an outcome from the server). */
export type ImportRowVerdict = {
  line: number;
  outcome: ImportOutcome;
  reason: ImportReason | null;
  detail?: string | null;
};

export const IMPORT_ERRORS_CSV_HEADER = ['line', ...IMPORT_COLUMNS, 'outcome', 'reason', 'sentence'] as const;

/**
 * The rows that were not created, as a CSV the admin fixes and uploads again: the cells exactly as the
 * file had them (not normalised: a mistyped e-mail is shown as typed), under the import's own column
 * names, with the outcome and its sentence (`line`, `outcome`, `reason` and `sentence` are ignored on
 * the way back in). `verdicts` may cover every row or only some, matched to rows by line. The text starts
 * with a byte-order mark so spreadsheet tools read it as UTF-8; cells a spreadsheet would run as a
 * formula are escaped by `csvRow` (SPEC §3).
 */
export function importErrorsCsv(rows: readonly ImportRow[], verdicts: readonly ImportRowVerdict[]): string {
  const notCreated = new Map<number, ImportRowVerdict>();
  for (const verdict of verdicts) if (verdict.outcome !== 'create') notCreated.set(verdict.line, verdict);
  const lines = [csvRow(IMPORT_ERRORS_CSV_HEADER)];
  for (const row of rows) {
    const verdict = notCreated.get(row.line);
    if (!verdict) continue;
    lines.push(
      csvRow([
        row.line,
        row.email,
        row.firstName,
        row.lastName,
        row.role,
        row.copyAccessFrom,
        verdict.outcome,
        verdict.reason,
        verdict.reason ? importReasonSentence(verdict.reason, verdict.detail) : '',
      ]),
    );
  }
  return `\uFEFF${lines.join('')}`;
}
