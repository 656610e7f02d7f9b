import type { ImportVerdict } from '@roster/client/imports';
import { type ImportOutcome, type ImportRow, importReasonSentence } from '@roster/domain';
import { useMemo, useState } from 'react';
import { TableHead } from '../components/TableHead';
import { ToggleChips } from '../components/ToggleChips';
import { formatCount } from '../lib/format';

const SHOWN = 200;

const OUTCOME_LABELS: Record<ImportOutcome, string> = { create: 'Create', skip: 'Skip', error: 'Error' };
const OUTCOME_STYLES: Record<ImportOutcome, string> = {
  create: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  skip: 'bg-slate-100 text-slate-700 ring-slate-200',
  error: 'bg-red-50 text-red-700 ring-red-200',
};

type Filter = 'problems' | ImportOutcome | 'all';

/** The rows of the file with their verdicts; problems first, since those are what to fix. */
export function ImportRowsTable({
  rows,
  verdicts,
}: {
  rows: readonly ImportRow[];
  verdicts: readonly ImportVerdict[];
}) {
  const hasProblems = verdicts.some((v) => v.outcome !== 'create');
  const [filter, setFilter] = useState<Filter>(hasProblems ? 'problems' : 'all');
  const matching = useMemo(
    () =>
      rows.flatMap((row, i) => {
        const verdict = verdicts[i];
        if (!verdict) return [];
        const keep =
          filter === 'all' ||
          (filter === 'problems' ? verdict.outcome !== 'create' : verdict.outcome === filter);
        return keep ? [{ row, verdict }] : [];
      }),
    [rows, verdicts, filter],
  );
  const filters: [Filter, string][] = [
    ['problems', 'Skips and errors'],
    ['error', 'Errors'],
    ['skip', 'Skips'],
    ['create', 'To create'],
    ['all', 'All rows'],
  ];
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
      <div className="border-b border-slate-100 p-3">
        <ToggleChips
          label="Rows shown"
          options={filters.map(([value, label]) => ({ value, label }))}
          value={filter}
          onChange={setFilter}
        />
      </div>
      {matching.length === 0 ? (
        <p className="p-6 text-center text-sm text-slate-500">No row here.</p>
      ) : (
        <table className="w-full text-left text-sm" aria-label="Rows of the file">
          <TableHead dense columns={['Line', 'E-mail', 'Name', 'Role', 'Verdict']} />
          <tbody className="divide-y divide-slate-100">
            {matching.slice(0, SHOWN).map(({ row, verdict }) => (
              <tr
                key={row.line}
                data-testid="import-row"
                data-line={row.line}
                data-outcome={verdict.outcome}
                data-reason={verdict.reason ?? ''}
              >
                <td className="px-4 py-2 tabular-nums text-slate-500">{row.line}</td>
                <td className="max-w-64 truncate px-4 py-2 text-slate-900">{row.email || '—'}</td>
                <td className="max-w-48 truncate px-4 py-2 text-slate-700">
                  {`${row.firstName} ${row.lastName}`.trim() || '—'}
                </td>
                <td className="px-4 py-2 text-slate-700">{row.role || 'Reader'}</td>
                <td className="px-4 py-2">
                  <span className="flex flex-col items-start gap-0.5">
                    <span
                      className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${OUTCOME_STYLES[verdict.outcome]}`}
                    >
                      {OUTCOME_LABELS[verdict.outcome]}
                    </span>
                    {verdict.reason && (
                      <span className="text-xs text-slate-600">
                        {importReasonSentence(verdict.reason, verdict.detail)}
                      </span>
                    )}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {matching.length > SHOWN && (
        <p className="border-t border-slate-100 p-3 text-center text-xs text-slate-500">
          Showing the first {SHOWN} of {formatCount(matching.length)} rows. Download the rows not created to
          see them all.
        </p>
      )}
    </div>
  );
}
