import {
  type BulkOperation,
  isEmptyFilter,
  type UserSort,
  type UsersFilter,
  type UsersListStart,
} from '@roster/domain';
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { MassOperationMenu } from '../bulk/MassOperationMenu';
import { MassOperationSheet } from '../bulk/MassOperationSheet';
import { planUsersForIds } from '../bulk/planUsersFromRows';
import { Button } from '../components/Button';
import { PageHeader } from '../components/PageHeader';
import { Spinner } from '../components/Spinner';
import { useToast } from '../components/Toasts';
import { plural } from '../lib/format';
import { errorMessage, useTRPC } from '../lib/trpc';
import { useUpdateSearchParams } from '../lib/useUpdateSearchParams';
import { ColumnChooser } from './ColumnChooser';
import { ExportUsersMenu } from './ExportUsersMenu';
import type { ListJump } from './ListPosition';
import { NewUserDialog } from './NewUserDialog';
import { PastedEmailsDialog } from './PastedEmailsDialog';
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
import { type UserAction, UserDrawer } from './UserDrawer';
import { UsersTable } from './UsersTable';
import { ActiveFilterChips, type FilterChange, UsersToolbar } from './UsersToolbar';
import { paramsFromView, type UsersView, userUrl, viewFromParams } from './urlState';
import { useUserColumns } from './useUserColumns';

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
  const [params] = useSearchParams();
  const updateParams = useUpdateSearchParams();
  const view = useMemo(() => viewFromParams(params), [params]);
  const filterKey = JSON.stringify(view.filter);
  const [selection, setSelection] = useState<SelectionState>(emptySelection);
  // The drawer of one user is the URL's: /admin/users/<id>, over the list and its view.
  const openUserId = useParams().userId ?? null;
  const navigate = useNavigate();
  const { search } = useLocation();
  const openUser = useCallback((id: string) => void navigate(userUrl(id, search)), [navigate, search]);
  const closeUser = () => void navigate(userUrl(null, search));
  /** A drawer's action: the mass operation on that one user (or on the users it copies access to). */
  const [userAction, setUserAction] = useState<UserAction | null>(null);
  const now = useNow();
  const [massKind, setMassKind] = useState<BulkOperation['kind'] | null>(null);
  const [massSession, setMassSession] = useState(0);
  const operationId = params.get(OPERATION_PARAM);
  const [optionalColumns, setOptionalColumns] = useUserColumns();
  const [newUserOpen, setNewUserOpen] = useState(false);
  const toast = useToast();
  const catalog = useQuery(trpc.catalog.get.queryOptions(undefined, { staleTime: 300_000 }));
  const unitNames = useMemo(
    () => new Map((catalog.data?.orgUnits ?? []).map((u) => [u.id, u.name])),
    [catalog.data],
  );

  // Where the admin jumped to in this view (its end, a letter), and how many jumps so far: each one
  // is shown from its top (the end's from its bottom), even a jump to where the list already is.
  const viewKey = JSON.stringify([view.filter, view.sort]);
  const [jump, setJump] = useState<{ view: string; from: UsersListStart | undefined; seq: number }>({
    view: viewKey,
    from: undefined,
    seq: 0,
  });
  const from = jump.view === viewKey ? jump.from : undefined;
  const onJump = useCallback(
    (to: ListJump) =>
      setJump((j) => ({ view: viewKey, from: to === 'start' ? undefined : to, seq: j.seq + 1 })),
    [viewKey],
  );
  // The rows come at once; their exact number is counted beside them and shown when it arrives. A
  // jump starts the list there; the rows before it load as the admin scrolls up.
  const list = useInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(
      { filter: view.filter, sort: view.sort, limit: USERS_PAGE_SIZE, count: false, from },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        getPreviousPageParam: (first) => first.prevCursor ?? undefined,
        placeholderData: keepPreviousData,
      },
    ),
  );
  const firstPage = list.data?.pages[0];
  // A letter past the last row: the list's end is the nearest there is.
  useEffect(() => {
    if (from && from !== 'end' && !list.isPlaceholderData && firstPage?.items.length === 0) {
      if ((firstPage.offset ?? 0) > 0) onJump('end');
    }
  }, [from, list.isPlaceholderData, firstPage, onJump]);
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

  /** A change of the view, made to the URL's latest view (not this render's: see useUpdateSearchParams). */
  const updateView = useCallback(
    (change: (current: UsersView) => UsersView) =>
      updateParams(
        (current) => {
          const next = paramsFromView(change(viewFromParams(current)));
          const operation = current.get(OPERATION_PARAM);
          if (operation) next.set(OPERATION_PARAM, operation);
          return next;
        },
        { replace: true },
      ),
    [updateParams],
  );
  const setOperationParam = useCallback(
    (id: string | null) =>
      updateParams((current) => {
        const next = new URLSearchParams(current);
        if (id) next.set(OPERATION_PARAM, id);
        else next.delete(OPERATION_PARAM);
        return next;
      }),
    [updateParams],
  );
  const onFilter = useCallback<FilterChange>(
    (change) => updateView((current) => ({ ...current, filter: change(current.filter) })),
    [updateView],
  );
  const onSort = useCallback(
    (sort: UserSort) => updateView((current) => ({ ...current, sort })),
    [updateView],
  );
  // While a new view loads, the table still shows the last view's rows, dimmed: they are not the new
  // view's users, so ticking them would select people the admin no longer sees (the new view's count
  // can come before its rows). They are ticked once the view's own rows are in.
  const selectable = !list.isPlaceholderData;
  const onToggleRow = useCallback(
    (id: string, withShift: boolean) => {
      if (selectable) setSelection((s) => toggleRow(s, id, loadedIds, withShift));
    },
    [loadedIds, selectable],
  );
  const onExtendSelection = useCallback(
    (fromId: string, toId: string) => {
      if (selectable) setSelection((s) => extendSelection(s, fromId, toId, loadedIds));
    },
    [loadedIds, selectable],
  );
  const onToggleLoaded = useCallback(() => {
    if (selectable) setSelection((s) => toggleLoaded(s, loadedIds));
  }, [loadedIds, selectable]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const { hasPreviousPage, isFetchingPreviousPage, fetchPreviousPage } = list;
  const loadEarlier = useCallback(() => void fetchPreviousPage(), [fetchPreviousPage]);
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
    setUserAction(null);
    setMassKind(kind);
  };
  const chooseUserAction = (action: UserAction) => {
    setMassSession((n) => n + 1);
    setUserAction(action);
  };
  const onApplied = (id: string) => {
    setMassKind(null);
    // A drawer's action leaves the table's selection as it was.
    if (!userAction) setSelection(emptySelection);
    setUserAction(null);
    setOperationParam(id);
  };
  const closeMassOperation = () => {
    setMassKind(null);
    setUserAction(null);
    setOperationParam(null);
  };
  // A new user is shown at once: their drawer opens over the list filtered to them, and a notice
  // says what happened.
  const onUserCreated = (user: { id: string; email: string; invited: boolean }) => {
    setNewUserOpen(false);
    void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
    void navigate(
      userUrl(user.id, `?${paramsFromView({ filter: { search: user.email }, sort: view.sort })}`),
    );
    toast({
      key: `new-user:${user.email}`,
      tone: 'success',
      title: user.invited ? `${user.email} created and invited` : `${user.email} created`,
      description: user.invited
        ? 'The invitation e-mail is on its way (Outbox).'
        : 'Invite them from the list when they should sign in.',
    });
  };
  const onOperationFinished = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() }),
    [queryClient, trpc],
  );

  return (
    <div className="flex h-full flex-col">
      <PageHeader
        title="Users"
        actions={<Button onClick={() => setNewUserOpen(true)}>New user</Button>}
        description={
          total === undefined
            ? counted.isError
              ? 'The users could not be counted.'
              : 'Counting…'
            : filtered
              ? plural(total, 'matching user', 'matching users')
              : plural(total, 'user', 'users')
        }
      />
      <div className="flex min-h-0 flex-1 flex-col gap-3 px-4 py-4 md:px-6 md:py-5 xl:px-8">
        {/* On a phone the filters take the whole width and the list tools wrap below them. */}
        <div className="flex flex-wrap items-start gap-2">
          <div className="min-w-0 grow basis-80">
            <UsersToolbar filter={view.filter} onChange={onFilter} />
          </div>
          <PastedEmailsDialog
            onSelect={(ids) => setSelection({ mode: 'ids', ids: new Set(ids), anchor: null })}
          />
          <ColumnChooser columns={optionalColumns} onChange={setOptionalColumns} />
          <ExportUsersMenu view={view} columns={optionalColumns} selection={selection} />
        </div>
        <ActiveFilterChips filter={view.filter} onChange={onFilter} />
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
              <Button variant="secondary" onClick={() => onFilter(() => ({}))}>
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
            onOpenUser={openUser}
            hasNextPage={hasNextPage}
            isFetchingNextPage={isFetchingNextPage}
            fetchNextPage={loadMore}
            hasPreviousPage={hasPreviousPage}
            isFetchingPreviousPage={isFetchingPreviousPage}
            fetchPreviousPage={loadEarlier}
            offset={firstPage?.offset ?? null}
            exactTotal={total}
            anchorKey={`${viewKey}:${JSON.stringify(from ?? null)}:${jump.seq}`}
            anchor={from === 'end' ? 'bottom' : 'top'}
            onJump={onJump}
            now={now}
            optionalColumns={optionalColumns}
            unitNames={unitNames}
          />
        )}
      </div>
      <UserDrawer userId={openUserId} onClose={closeUser} onAction={chooseUserAction} now={now} />
      <NewUserDialog open={newUserOpen} onOpenChange={setNewUserOpen} onCreated={onUserCreated} />
      <MassOperationSheet
        kind={userAction?.kind ?? massKind}
        operationId={operationId}
        // A drawer's action is a one-user (or few-user) selection, previewed by the server.
        selection={userAction ? { ids: userAction.ids } : bulkSelection}
        selectionLabel={userAction ? userAction.label : describeSelection(selection)}
        planUsers={userAction ? null : planUsers}
        source={userAction?.source}
        // Closed after its Apply, a drawer's action gives focus back to the drawer's first action.
        returnFocusTo={
          openUserId ? () => document.querySelector<HTMLElement>('[data-user-actions] button') : undefined
        }
        selectionKey={`${massSession}:${selection.mode === 'filter' ? selection.count : ''}`}
        onRecount={(matching) => setSelection((s) => (s.mode === 'filter' ? { ...s, count: matching } : s))}
        onApplied={onApplied}
        onFinished={onOperationFinished}
        onClose={closeMassOperation}
      />
    </div>
  );
}
