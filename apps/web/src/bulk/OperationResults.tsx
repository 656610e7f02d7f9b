import type { Outcome } from '@roster/domain';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { LoadMoreButton } from '../components/LoadMoreButton';
import { QueryStatus } from '../components/QueryStatus';
import { SearchBox } from '../components/SearchBox';
import { formatCount } from '../lib/format';
import { useTRPCClient } from '../lib/trpc';
import { ChangeDiff } from './ChangeDiff';
import type { Names } from './describeChange';
import { OutcomeCounts } from './OutcomeCounts';
import { itemNoun, OUTCOME_STYLES, outcomeLabels } from './operationLabels';
import type { BulkOperationView, BulkResultRow } from './types';
import { useNames } from './useNames';

const PAGE = 50;

/** What a finished operation did to each user: counts (which filter the list), the list, the CSV. */
export function OperationResults({ operation }: { operation: BulkOperationView }) {
  const names = useNames();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [search, setSearch] = useState('');
  const client = useTRPCClient();
  const term = search.trim();
  const input = {
    id: operation.id,
    limit: PAGE,
    ...(outcome ? { outcome } : {}),
    ...(term ? { search: term } : {}),
  };
  // The plain client, not `infiniteQueryOptions`: its `direction` key is refused by the strict input.
  const results = useInfiniteQuery({
    queryKey: ['bulk.results', input],
    queryFn: ({ pageParam }: { pageParam: number | null }) =>
      client.bulk.results.query(pageParam === null ? input : { ...input, cursor: pageParam }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const rows = results.data?.pages.flatMap((p) => p.items) ?? [];
  const shownCount = outcome ? operation.counts[outcome] : operation.processed;
  const labels = outcomeLabels(operation.kind);

  return (
    <div className="flex flex-col gap-4" data-testid="operation-results">
      <OutcomeCounts
        counts={operation.counts}
        labels={labels}
        selected={outcome}
        onSelect={(o) => setOutcome((current) => (current === o ? null : o))}
      />
      <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 bg-slate-50 px-4 py-2.5">
          <p className="text-sm text-slate-600">
            {term ? (
              <>
                {outcome ? labels[outcome] : 'All'} {itemNoun(operation.kind, 2)} whose name or e-mail holds “
                {term}” ·{' '}
                <button
                  type="button"
                  className="font-medium text-brand-700 hover:underline"
                  onClick={() => setSearch('')}
                >
                  Clear the search
                </button>
              </>
            ) : outcome ? (
              <>
                {formatCount(shownCount)} {labels[outcome].toLowerCase()} ·{' '}
                <button
                  type="button"
                  className="font-medium text-brand-700 hover:underline"
                  onClick={() => setOutcome(null)}
                >
                  Show all {formatCount(operation.processed)}
                </button>
              </>
            ) : (
              `All ${formatCount(operation.processed)} ${itemNoun(operation.kind, operation.processed)}`
            )}
          </p>
          <div className="ml-auto">
            <SearchBox
              label="Search the results by name or e-mail"
              placeholder="Search by name or e-mail"
              value={search}
              onChange={setSearch}
            />
          </div>
          <a
            href={`/api/bulk-operations/${operation.id}/results.csv`}
            download
            className="inline-flex items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50"
          >
            <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
              <path d="M10 2.75a.75.75 0 0 1 .75.75v7.69l2.72-2.72a.75.75 0 1 1 1.06 1.06l-4 4a.75.75 0 0 1-1.06 0l-4-4a.75.75 0 0 1 1.06-1.06l2.72 2.72V3.5a.75.75 0 0 1 .75-.75ZM3.5 14a.75.75 0 0 1 .75.75v.75c0 .41.34.75.75.75h10a.75.75 0 0 0 .75-.75v-.75a.75.75 0 0 1 1.5 0v.75A2.25 2.25 0 0 1 15 17.75H5a2.25 2.25 0 0 1-2.25-2.25v-.75A.75.75 0 0 1 3.5 14Z" />
            </svg>
            Download CSV
          </a>
        </div>
        {!results.isSuccess ? (
          <QueryStatus query={results} loading="Loading results…" errorClassName="p-6" />
        ) : rows.length === 0 ? (
          <p className="p-6 text-center text-sm text-slate-500">
            {term
              ? `No ${itemNoun(operation.kind, 2)}${outcome ? ' with this outcome' : ''} match “${term}”.`
              : outcome
                ? 'No user has this outcome.'
                : 'No user was processed.'}
          </p>
        ) : (
          <ul
            className="divide-y divide-slate-100"
            aria-label="Results per user"
            aria-busy={results.isFetching && results.isPlaceholderData}
          >
            {rows.map((row) => (
              <ResultRow key={row.position} row={row} names={names} labels={labels} />
            ))}
          </ul>
        )}
        <LoadMoreButton list={results} label={`Show ${PAGE} more`} />
      </div>
    </div>
  );
}

function ResultRow({
  row,
  names,
  labels,
}: {
  row: BulkResultRow;
  names: Names;
  labels: Record<Outcome, string>;
}) {
  return (
    <li
      data-testid="result-row"
      data-user-id={row.userId}
      data-outcome={row.outcome}
      data-reason={row.reason ?? ''}
      className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-4 gap-y-1.5 px-4 py-2.5"
    >
      <span className="truncate text-sm text-slate-800">{row.email}</span>
      <span
        className={`justify-self-end rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${OUTCOME_STYLES[row.outcome].badge}`}
      >
        {labels[row.outcome]}
      </span>
      <div className="col-span-2 text-xs text-slate-500">
        {row.outcome === 'change' && row.before !== null ? (
          <ChangeDiff before={row.before} after={row.after} names={names} />
        ) : (
          row.sentence
        )}
      </div>
    </li>
  );
}
