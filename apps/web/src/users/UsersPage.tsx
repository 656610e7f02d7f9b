import { type BulkOperation, isEmptyFilter, type UserSort, type UsersFilter } from '@roster/domain';
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { MassOperationMenu } from '../bulk/MassOperationMenu';
import { MassOperationSheet } from '../bulk/MassOperationSheet';
import { planUsersForIds } from '../bulk/planUsersFromRows';
import { Button } from '../components/Button';
import { PageHeader } from '../components/PageHeader';
import { Spinner } from '../components/Spinner';
import { formatCount } from '../lib/format';
import { errorMessage, useTRPC } from '../lib/trpc';
import { SelectionBar } from './SelectionBar';
import {
  describeSelection,
  emptySelection,
  extendSelection,
  type SelectionState,
  selectAllMatching,
  selectedCount,
  toggleLoaded,
  toggleRow,
  toSelection,
} from './selection';
import { UserDrawer } from './UserDrawer';
import { UsersTable } from './UsersTable';
import { UsersToolbar } from './UsersToolbar';
import { paramsFromView, viewFromParams } from './urlState';

export const USERS_PAGE_SIZE = 100;
/** The URL parameter naming the bulk operation whose progress and results are shown. */
const OPERATION_PARAM = 'operation';

function useNow(intervalMs = 60_000) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Admin › Users: search, filter, sort and select among every user of the tenant. */
export function UsersPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => viewFromParams(params), [params]);
  const filterKey = JSON.stringify(view.filter);
  const [selection, setSelection] = useState<SelectionState>(emptySelection);
  const [openUserId, setOpenUserId] = useState<string | null>(null);
  const now = useNow();
  const [massKind, setMassKind] = useState<BulkOperation['kind'] | null>(null);
  const [massSession, setMassSession] = useState(0);
  const operationId = params.get(OPERATION_PARAM);

  // The rows come at once; their exact number is counted beside them and shown when it arrives.
  const list = useInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(
      { filter: view.filter, sort: view.sort, limit: USERS_PAGE_SIZE, count: false },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );
  const counted = useQuery(trpc.users.count.queryOptions({ filter: view.filter }, { staleTime: 0 }));
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const loadedIds = useMemo(() => rows.map((r) => r.id), [rows]);
  /** The exact number of matching users, undefined while it is being counted (never an old number). */
  const total = counted.isFetching ? undefined : counted.data?.total;
  const queryClient = useQueryClient();
  const selectAll = (filter: UsersFilter) => {
    if (total !== undefined) setSelection(selectAllMatching(filter, total));
  };

  // "All matching" belongs to the filter it was made for: another filter starts a new selection.
  useEffect(() => {
    setSelection((s) => (s.mode === 'filter' && JSON.stringify(s.filter) !== filterKey ? emptySelection : s));
  }, [filterKey]);

  const setView = useCallback(
    (filter: UsersFilter, sort: UserSort) =>
      setParams(
        (current) => {
          const next = paramsFromView({ filter, sort });
          const operation = current.get(OPERATION_PARAM);
          if (operation) next.set(OPERATION_PARAM, operation);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const setOperationParam = useCallback(
    (id: string | null) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        if (id) next.set(OPERATION_PARAM, id);
        else next.delete(OPERATION_PARAM);
        return next;
      }),
    [setParams],
  );
  const onFilter = useCallback((filter: UsersFilter) => setView(filter, view.sort), [setView, view.sort]);
  const onSort = useCallback((sort: UserSort) => setView(view.filter, sort), [setView, view.filter]);
  const onToggleRow = useCallback(
    (id: string, withShift: boolean) => setSelection((s) => toggleRow(s, id, loadedIds, withShift)),
    [loadedIds],
  );
  const onExtendSelection = useCallback(
    (fromId: string, toId: string) => setSelection((s) => extendSelection(s, fromId, toId, loadedIds)),
    [loadedIds],
  );
  const onToggleLoaded = useCallback(() => setSelection((s) => toggleLoaded(s, loadedIds)), [loadedIds]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const allLoadedSelected =
    selection.mode === 'ids' && loadedIds.length > 0 && loadedIds.every((id) => selection.ids.has(id));
  const filtered = !isEmptyFilter(view.filter);

  // The mass operation acts on the selection as it is when the panel opens (the panel is modal).
  const bulkSelection = useMemo(() => toSelection(selection), [selection]);
  const rowsById = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  const planUsers = useMemo(
    () => (massKind && 'ids' in bulkSelection ? planUsersForIds(bulkSelection.ids, rowsById) : null),
    [massKind, bulkSelection, rowsById],
  );
  const chooseOperation = (kind: BulkOperation['kind']) => {
    setMassSession((n) => n + 1);
    setMassKind(kind);
  };
  const onApplied = (id: string) => {
    setMassKind(null);
    setSelection(emptySelection);
    setOperationParam(id);
  };
  const closeMassOperation = () => {
    setMassKind(null);
    setOperationParam(null);
  };
  const onOperationFinished = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() }),
    [queryClient, trpc],
  );

  return (
    <div className="flex h-full flex-col">
      <PageHeader
        title="Users"
        description={
          total === undefined
            ? counted.isError
              ? 'The users could not be counted.'
              : 'Counting…'
            : `${formatCount(total)} ${filtered ? 'matching users' : 'users'}`
        }
      />
      <div className="flex min-h-0 flex-1 flex-col gap-3 px-8 py-5">
        <UsersToolbar filter={view.filter} onChange={onFilter} />
        <SelectionBar
          selection={selection}
          loadedCount={rows.length}
          allLoadedSelected={allLoadedSelected}
          total={total}
          filtered={filtered}
          onSelectAllMatching={() => selectAll(view.filter)}
          onClear={() => setSelection(emptySelection)}
        >
          <MassOperationMenu onChoose={chooseOperation} selectedCount={selectedCount(selection)} />
        </SelectionBar>
        {list.isPending ? (
          <div className="flex flex-1 items-center justify-center rounded-xl border border-slate-200 bg-white">
            <Spinner label="Loading users…" />
          </div>
        ) : list.isError ? (
          <div
            role="alert"
            className="flex flex-1 flex-col items-center justify-center gap-3 rounded-xl border border-red-200 bg-white p-8"
          >
            <p className="text-sm text-red-700">{errorMessage(list.error)}</p>
            <Button variant="secondary" onClick={() => void list.refetch()}>
              Try again
            </Button>
          </div>
        ) : rows.length === 0 ? (
          <div className="flex flex-1 flex-col items-center justify-center gap-3 rounded-xl border border-slate-200 bg-white p-8">
            <p className="font-medium text-slate-800">No users match these filters</p>
            <p className="text-sm text-slate-500">
              Try another search, or clear the filters to see everyone.
            </p>
            {filtered && (
              <Button variant="secondary" onClick={() => onFilter({})}>
                Clear filters
              </Button>
            )}
          </div>
        ) : (
          <UsersTable
            rows={rows}
            total={total ?? rows.length}
            sort={view.sort}
            onSort={onSort}
            selection={selection}
            onToggleRow={onToggleRow}
            onExtendSelection={onExtendSelection}
            // The rows shown belong to the previous search, filter or sort until the new ones come.
            updating={list.isPlaceholderData}
            onToggleLoaded={onToggleLoaded}
            onOpenUser={setOpenUserId}
            hasNextPage={hasNextPage}
            isFetchingNextPage={isFetchingNextPage}
            fetchNextPage={loadMore}
            now={now}
          />
        )}
      </div>
      <UserDrawer userId={openUserId} onClose={() => setOpenUserId(null)} now={now} />
      <MassOperationSheet
        kind={massKind}
        operationId={operationId}
        selection={bulkSelection}
        selectionLabel={describeSelection(selection)}
        planUsers={planUsers}
        selectionKey={`${massSession}:${selection.mode === 'filter' ? selection.count : ''}`}
        onRecount={(matching) => setSelection((s) => (s.mode === 'filter' ? { ...s, count: matching } : s))}
        onApplied={onApplied}
        onFinished={onOperationFinished}
        onClose={closeMassOperation}
      />
    </div>
  );
}
