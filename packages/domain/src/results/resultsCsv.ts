import { bulkOutcomeLabels } from '../bulk/operationStatus';
import { reasonSentence, resultDetail } from '../bulk/reasons';
import type { BulkOperationKind, Outcome } from '../catalog';
import { csvRow } from '../csv';
import { type ChangeNames, describeChangeFields } from './describeChange';

/** One user's (or, for an import, one row's) result, as the results CSV needs it. */
export type BulkResultCsvItem = {
  /** The user's place in the selection; for an import, the line of the file. */
  position: number;
  userId: string | null;
  email: string | null;
  /** The user's name (an import: the row's, as the file had it). */
  name: string;
  outcome: Outcome;
  reason: string | null;
  before: unknown;
  after: unknown;
};

/**
 * The columns of a results CSV. An import lists rows by their line and creates users (nothing to show
 * before and after); any other operation lists users, with the fields it changed before and after.
 */
export function bulkResultsCsvColumns(kind: BulkOperationKind): readonly string[] {
  return kind === 'import'
    ? ['line', 'user_id', 'email', 'name', 'outcome', 'reason', 'sentence']
    : ['user_id', 'email', 'name', 'outcome', 'reason', 'sentence', 'before', 'after'];
}

/** A name as people read it: first and last, or nothing. */
export function personName(firstName: string | null, lastName: string | null): string {
  return `${(firstName ?? '').trim()} ${(lastName ?? '').trim()}`.trim();
}

/** "2026-12-02 14:05 UTC": a moment written the same by every process that writes the CSV. */
export function formatUtcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The results CSV's header line and a writer of its lines: the outcome in the operation's own words
 * (an import's "Created" / "Not created", as its page says them), the reason's code and sentence, the
 * changed fields before and after in words ("Role: Reader" → "Role: Contributor", names not ids).
 * Cells a spreadsheet would run as a formula are escaped by `csvRow` (SPEC §3). The server's download
 * and the CLI's `bulk results --csv` both write with this, so they write the same file.
 */
export function bulkResultsCsvWriter(kind: BulkOperationKind, names: ChangeNames) {
  const labels = bulkOutcomeLabels(kind);
  const fields = (item: BulkResultCsvItem) =>
    describeChangeFields(item.before, item.after, names, formatUtcMinute);
  return {
    header: csvRow(bulkResultsCsvColumns(kind)),
    line(item: BulkResultCsvItem): string {
      const sentence = item.reason ? reasonSentence(item.reason, resultDetail(item.after)) : '';
      const common = [item.userId, item.email, item.name, labels[item.outcome], item.reason, sentence];
      if (kind === 'import') return csvRow([item.position, ...common]);
      const changed = item.outcome === 'change' ? fields(item) : [];
      return csvRow([
        ...common,
        changed.map((f) => `${f.label}: ${f.before}`).join('; '),
        changed.map((f) => `${f.label}: ${f.after}`).join('; '),
      ]);
    },
  };
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/**
 * The file name a results CSV is downloaded under: the operation's kind and when it was applied (UTC,
 * to the minute), `assign-role-2026-12-02-1405.csv`.
 */
export function bulkResultsFileName(kind: BulkOperationKind, createdAt: Date): string {
  const date = [createdAt.getUTCFullYear(), createdAt.getUTCMonth() + 1, createdAt.getUTCDate()]
    .map((n, i) => (i === 0 ? String(n) : twoDigits(n)))
    .join('-');
  const time = `${twoDigits(createdAt.getUTCHours())}${twoDigits(createdAt.getUTCMinutes())}`;
  return `${kind.replaceAll('_', '-')}-${date}-${time}.csv`;
}
