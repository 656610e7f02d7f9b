import { OUTCOMES } from '@roster/domain';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { LoadMoreButton } from '../components/LoadMoreButton';
import { PageHeader } from '../components/PageHeader';
import { QueryStatus } from '../components/QueryStatus';
import { formatCount, formatDateTime } from '../lib/format';
import { useTRPCClient } from '../lib/trpc';
import { useMediaQuery } from '../lib/useMediaQuery';
import { useUpdateSearchParams } from '../lib/useUpdateSearchParams';
import { OperationParameters } from './OperationParameters';
import { OperationStatusBadge } from './OperationStatusBadge';
import {
  ClearFiltersButton,
  FILTER_PARAMS,
  listFilters,
  OperationsFilterBar,
  type OperationsUrlFilters,
} from './OperationsFilters';
import { isActive, itemNoun, kindLabel, OUTCOME_STYLES, outcomeLabels } from './operationLabels';
import type { BulkOperationView } from './types';

const PAGE = 50;

/** Admin › Operations: every bulk operation, newest first, each opening its progress and results. */
export function OperationsPage() {
  const client = useTRPCClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const updateParams = useUpdateSearchParams();
  const urlFilters: OperationsUrlFilters = {
    kind: params.get('kind') ?? '',
    by: params.get('by') ?? '',
    status: params.get('status') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const filters = listFilters(urlFilters);
  const filtered = Object.keys(filters).length > 0;
  const setFilters = (next: Partial<OperationsUrlFilters>) =>
    updateParams(
      (current) => {
        const updated = new URLSearchParams(current);
        for (const key of FILTER_PARAMS) {
          const v = next[key];
          if (v === undefined) continue;
          if (v) updated.set(key, v);
          else updated.delete(key);
        }
        return updated;
      },
      { replace: true },
    );
  // The plain client, not `infiniteQueryOptions`: its `direction` key is refused by the strict input.
  const list = useInfiniteQuery({
    queryKey: ['bulk.list', PAGE, filters],
    queryFn: ({ pageParam }: { pageParam: string | null }) =>
      client.bulk.list.query(
        pageParam === null ? { ...filters, limit: PAGE } : { ...filters, limit: PAGE, cursor: pageParam },
      ),
    placeholderData: keepPreviousData,
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
    // While one runs, its progress and counts move here too.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((op) => isActive(op.status))) ? 2_000 : false,
  });
  const operations = list.data?.pages.flatMap((p) => p.items) ?? [];
  // Below 1280 px the parameters go under the operation's name: users, results and status stay in view.
  const wide = useMediaQuery('(min-width: 1280px)');
  return (
    <>
      <PageHeader
        title="Operations"
        description="Every mass operation on users: who ran it, when, with what, and what it did."
      />
      <div className="flex flex-col gap-4 p-4 md:p-6 xl:p-8">
        <OperationsFilterBar value={urlFilters} onChange={setFilters} />
        <section
          className="overflow-hidden rounded-xl border border-slate-200 bg-white"
          aria-busy={list.isFetching && list.isPlaceholderData}
        >
          {!list.isSuccess ? (
            <QueryStatus query={list} loading="Loading operations…" />
          ) : operations.length === 0 && filtered ? (
            <div className="p-12 text-center">
              <p className="text-sm font-medium text-slate-700">No operation matches these filters</p>
              <ClearFiltersButton onChange={setFilters} className="mt-1 hover:underline" />
            </div>
          ) : operations.length === 0 ? (
            <div className="p-12 text-center">
              <p className="text-sm font-medium text-slate-700">No operation yet</p>
              <p className="mt-1 text-sm text-slate-500">
                Select users in{' '}
                <Link to="/admin/users" className="text-brand-700 underline hover:text-brand-900">
                  Users
                </Link>{' '}
                and choose a mass operation: it will be listed here with its results.
              </p>
            </div>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Operations">
                <thead className="bg-slate-50 text-xs font-medium uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="px-3 py-3 xl:px-5">When and who</th>
                    <th className="px-3 py-3 xl:px-5">Operation</th>
                    {wide && <th className="px-3 py-3 xl:px-5">Parameters</th>}
                    <th className="px-3 py-3 xl:px-5 text-right">Total</th>
                    <th className="px-3 py-3 xl:px-5">Results</th>
                    <th className="px-3 py-3 xl:px-5">Status</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {operations.map((op) => (
                    <tr
                      key={op.id}
                      data-operation-id={op.id}
                      onClick={() => void navigate(`/admin/operations/${op.id}`)}
                      className="cursor-pointer hover:bg-slate-50"
                    >
                      <td className="px-3 py-3 xl:px-5 whitespace-nowrap">
                        <span className="block text-slate-700">{formatDateTime(op.createdAt)}</span>
                        <span
                          className="block max-w-52 truncate text-xs text-slate-500"
                          title={op.actor.email}
                        >
                          by {op.actor.name}
                        </span>
                      </td>
                      <td className="px-3 py-3 xl:px-5 font-medium whitespace-nowrap text-slate-900">
                        <Link
                          to={`/admin/operations/${op.id}`}
                          onClick={(e) => e.stopPropagation()}
                          className="hover:text-brand-700 hover:underline"
                        >
                          {kindLabel(op.kind)}
                        </Link>
                        {!wide && (
                          <span className="mt-0.5 block max-w-44 text-xs font-normal whitespace-normal text-slate-600">
                            <OperationParameters kind={op.kind} params={op.params} />
                          </span>
                        )}
                      </td>
                      {wide && (
                        <td className="max-w-72 px-3 py-3 text-slate-600 xl:px-5">
                          <OperationParameters kind={op.kind} params={op.params} />
                        </td>
                      )}
                      <td
                        data-testid="operation-total"
                        className="px-3 py-3 xl:px-5 text-right whitespace-nowrap tabular-nums text-slate-700"
                      >
                        {formatCount(op.total)} {itemNoun(op.kind, op.total)}
                      </td>
                      <td className="px-3 py-3 xl:px-5">
                        <CountsSummary operation={op} />
                      </td>
                      <td className="px-3 py-3 xl:px-5">
                        <OperationStatusBadge operation={op} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <LoadMoreButton list={list} label="Show older operations" />
        </section>
      </div>
    </>
  );
}

/** "8 changed · 3 skipped": the outcomes that happened, in their colours. */
function CountsSummary({ operation }: { operation: BulkOperationView }) {
  const shown = OUTCOMES.filter((o) => operation.counts[o] > 0);
  if (shown.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <span className="flex flex-wrap gap-x-2.5 text-xs whitespace-nowrap">
      {shown.map((o) => (
        <span key={o} className={OUTCOME_STYLES[o].text}>
          {formatCount(operation.counts[o])} {outcomeLabels(operation.kind)[o].toLowerCase()}
        </span>
      ))}
    </span>
  );
}
