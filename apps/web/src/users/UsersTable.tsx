import type { RouterOutputs } from '@roster/api';
import type { UserSort, UserSortField } from '@roster/domain';
import { type ColumnDef, flexRender, getCoreRowModel, type Row, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { formatDate, formatDateTime } from '../lib/format';
import { type ListJump, ListPosition } from './ListPosition';
import { ModuleAccessSummary } from './ModuleAccessSummary';
import { StatusBadge } from './StatusBadge';
import { headerState, isSelected, type SelectionState } from './selection';
import { rightLabel } from './UsersToolbar';
import { OPTIONAL_USER_COLUMNS, type OptionalUserColumn } from './userColumns';

export type UserRow = RouterOutputs['users']['list']['items'][number];

const ROW_HEIGHT = 52;
/** The sticky header row's height (h-10). */
const HEADER_HEIGHT = 40;

type Props = {
  rows: UserRow[];
  total: number;
  sort: UserSort;
  onSort: (sort: UserSort) => void;
  selection: SelectionState;
  onToggleRow: (id: string, withShift: boolean) => void;
  /** Shift+arrow from one row to the next: the selection grows to it. */
  onExtendSelection: (fromId: string, toId: string) => void;
  /** A new search, filter or sort is loading: the rows shown are the previous ones. */
  updating: boolean;
  onToggleLoaded: () => void;
  onOpenUser: (id: string) => void;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  /** Rows before the loaded ones (after a jump to the end or to a letter), loaded as you scroll up. */
  hasPreviousPage: boolean;
  isFetchingPreviousPage: boolean;
  fetchPreviousPage: () => void;
  /** The position of the first loaded row in the whole result (from 0); null while unknown. */
  offset: number | null;
  /** The exact number of matching users; undefined while it is being counted. */
  exactTotal: number | undefined;
  /** The list's start (a view and where it was jumped to): a new one is shown from its top, or its end. */
  anchorKey: string;
  anchor: 'top' | 'bottom';
  onJump: (jump: ListJump) => void;
  now: Date;
  /** The optional columns the administrator chose (ColumnChooser). */
  optionalColumns: readonly OptionalUserColumn[];
  /** Organisation units' names by id, for the Scope column. */
  unitNames: ReadonlyMap<string, string>;
};

/**
 * Column widths: name, e-mail, role, status and module access fit side by side from 1,064 px of table
 * (1440 px screens); narrower (1024 px screens), the first four fit and module access scrolls into view.
 */
const WIDTHS = {
  wide: { name: 200, email: 270, role: 150, status: 210, access: 190 },
  narrow: { name: 170, email: 210, role: 130, status: 200, access: 190 },
};

const CHECKBOX_WIDTH = 44;
/** The table is wide enough for every essential column at its wide width. */
const WIDE_TABLE = CHECKBOX_WIDTH + Object.values(WIDTHS.wide).reduce((sum, w) => sum + w, 0);

/** The checkbox and the name stay in view when the table scrolls sideways: their left offsets. */
const STICKY_LEFT: Partial<Record<string, number>> = { select: 0, name: CHECKBOX_WIDTH };
const stickyStyle = (columnId: string) => {
  const left = STICKY_LEFT[columnId];
  return left === undefined ? {} : { position: 'sticky' as const, left, zIndex: 1 };
};

/** A list of names in a cell: the first ones, and how many more (all of them on hover). */
function NameList({ names, empty }: { names: string[]; empty: string }) {
  if (names.length === 0) return <span className="text-xs text-slate-600">{empty}</span>;
  return (
    <span className="truncate" title={names.join(', ')}>
      {names.slice(0, 2).join(', ')}
      {names.length > 2 && <span className="text-xs text-slate-600"> +{names.length - 2}</span>}
    </span>
  );
}

const SORTABLE: Partial<Record<string, UserSortField>> = {
  name: 'name',
  email: 'email',
  role: 'role',
  status: 'status',
  lastLogin: 'lastLogin',
  created: 'created',
};

function Checkbox({
  checked,
  label,
  onClick,
  focusable = false,
  disabled,
}: {
  checked: boolean | 'indeterminate';
  label: string;
  onClick: (event: MouseEvent<HTMLInputElement>) => void;
  /** A row's checkbox is reached through its row (Space); the header's is a tab stop of its own. */
  focusable?: boolean;
  /** The rows shown are the last view's while the new one loads (`updating`): not selectable. */
  disabled: boolean;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = checked === 'indeterminate';
  }, [checked]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label={label}
      checked={checked === true}
      onChange={() => {}}
      onClick={onClick}
      disabled={disabled}
      tabIndex={focusable ? 0 : -1}
      className="h-4 w-4 cursor-pointer rounded disabled:cursor-default border-slate-300 accent-brand-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
    />
  );
}

/**
 * The users table: a virtualised list of every loaded row (pages load as you scroll), server-side
 * sorting, and checkbox selection with shift-click ranges and the keyboard (space toggles the
 * focused row, arrows move).
 */
export function UsersTable(props: Props) {
  const { rows, sort, selection, now, unitNames } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [wide, setWide] = useState(true);
  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWide(element.clientWidth >= WIDE_TABLE));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const width = WIDTHS[wide ? 'wide' : 'narrow'];
  const loadedIds = useMemo(() => rows.map((r) => r.id), [rows]);
  const columns = useMemo<ColumnDef<UserRow>[]>(
    () => [
      {
        id: 'select',
        size: CHECKBOX_WIDTH,
        header: () => (
          <Checkbox
            label="Select loaded users"
            checked={headerState(selection, loadedIds)}
            onClick={() => props.onToggleLoaded()}
            focusable
            disabled={props.updating}
          />
        ),
        cell: ({ row }) => (
          <Checkbox
            label={`Select ${row.original.email}`}
            checked={isSelected(selection, row.original.id)}
            onClick={(e) => props.onToggleRow(row.original.id, e.shiftKey)}
            disabled={props.updating}
          />
        ),
      },
      {
        id: 'name',
        header: 'Name',
        size: width.name,
        cell: ({ row }) => (
          <button
            type="button"
            tabIndex={-1}
            className="truncate text-left font-medium text-slate-900 hover:text-brand-700 hover:underline"
            onClick={() => props.onOpenUser(row.original.id)}
          >
            {`${row.original.firstName} ${row.original.lastName}`.trim() || '—'}
          </button>
        ),
      },
      {
        id: 'email',
        header: 'E-mail',
        size: width.email,
        cell: ({ row }) => <span className="truncate">{row.original.email}</span>,
      },
      { id: 'role', header: 'Role', size: width.role, cell: ({ row }) => row.original.roleName },
      {
        id: 'status',
        header: 'Status',
        size: width.status,
        cell: ({ row }) => (
          <StatusBadge status={row.original.status} invitation={row.original.invitation} now={now} />
        ),
      },
      {
        id: 'access',
        header: 'Module access',
        size: width.access,
        cell: ({ row }) => <ModuleAccessSummary access={row.original.moduleAccess} />,
      },
      {
        id: 'lastLogin',
        header: 'Last sign-in',
        size: 180,
        cell: ({ row }) => <span className="text-slate-600">{formatDateTime(row.original.lastLoginAt)}</span>,
      },
      {
        id: 'created',
        header: 'Created',
        size: 130,
        cell: ({ row }) => <span className="text-slate-600">{formatDate(row.original.createdAt)}</span>,
      },
      {
        id: 'scope',
        header: 'Scope',
        size: 200,
        cell: ({ row }) => (
          <NameList
            names={row.original.scope.map((id) => unitNames.get(id) ?? '…')}
            empty="Whole organisation"
          />
        ),
      },
      {
        id: 'rights',
        header: 'Rights',
        size: 200,
        cell: ({ row }) => <NameList names={row.original.rights.map(rightLabel)} empty="None" />,
      },
    ],
    [
      selection,
      loadedIds,
      props.onToggleLoaded,
      props.onToggleRow,
      props.onOpenUser,
      props.updating,
      now,
      unitNames,
      width,
    ],
  );
  const columnVisibility = useMemo(
    () => Object.fromEntries(OPTIONAL_USER_COLUMNS.map((c) => [c, props.optionalColumns.includes(c)])),
    [props.optionalColumns],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { columnVisibility },
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
  });
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  // One tab stop for all the rows (the last one focused, else the first shown); arrows move
  // between them. A Tab leaves the table instead of walking through every loaded row.
  const [activeIndex, setActiveIndex] = useState(0);
  const tabStop = items.some((item) => item.index === activeIndex) ? activeIndex : (items[0]?.index ?? 0);
  const firstIndex = items[0]?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = props;
  const { hasPreviousPage, isFetchingPreviousPage, fetchPreviousPage } = props;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 30) fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);
  useEffect(() => {
    if (hasPreviousPage && !isFetchingPreviousPage && firstIndex <= 30) fetchPreviousPage();
  }, [firstIndex, hasPreviousPage, isFetchingPreviousPage, fetchPreviousPage]);

  // A new view, or a jump, is shown from its top (its end for a jump to the end) once its rows come.
  const anchored = useRef<string | null>(null);
  // Rows loaded above the ones shown push them down: the scroll follows, so what is seen stays put.
  const firstRow = useRef<{ key: string; id: string | undefined }>({ key: '', id: undefined });
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller || props.updating || rows.length === 0) return;
    const previous = firstRow.current;
    firstRow.current = { key: props.anchorKey, id: rows[0]?.id };
    if (anchored.current !== props.anchorKey) {
      anchored.current = props.anchorKey;
      scroller.scrollTop = props.anchor === 'bottom' ? scroller.scrollHeight : 0;
      return;
    }
    if (previous.key !== props.anchorKey || !previous.id || previous.id === rows[0]?.id) return;
    const prepended = rows.findIndex((r) => r.id === previous.id);
    if (prepended > 0) scroller.scrollTop += prepended * ROW_HEIGHT;
  }, [rows, props.anchorKey, props.anchor, props.updating]);

  // The rows in view, below the sticky header: the position shown under the table.
  const scrollTop = virtualizer.scrollOffset ?? 0;
  const viewport = virtualizer.scrollRect?.height ?? 0;
  const firstSeen = Math.min(rows.length - 1, Math.floor(scrollTop / ROW_HEIGHT));
  const lastSeen = Math.min(
    rows.length - 1,
    Math.max(firstSeen, Math.ceil((scrollTop + viewport - HEADER_HEIGHT) / ROW_HEIGHT) - 1),
  );
  const base = props.offset;

  const tableWidth = table.getTotalSize();
  const tableRows = table.getRowModel().rows;

  // Stable row handlers (the latest closure through a ref): a scroll re-renders only the rows it
  // brings into view, not every row already shown (UserTableRow is memoised).
  const onRowFocus = useCallback((event: FocusEvent<HTMLDivElement>, index: number) => {
    setActiveIndex(index);
    // Reached with the keyboard, a row shows its checkbox and name: the browser scrolled the wide
    // row sideways to bring it into view.
    if (event.currentTarget.matches(':focus-visible') && scrollRef.current) {
      scrollRef.current.scrollLeft = 0;
    }
  }, []);
  const latestKeyDown = useRef(onRowKeyDownLatest);
  latestKeyDown.current = onRowKeyDownLatest;
  const onRowKeyDownStable = useCallback(
    (event: KeyboardEvent<HTMLDivElement>, index: number, id: string) =>
      latestKeyDown.current(event, index, id),
    [],
  );
  const visibleColumnsKey = props.optionalColumns.join(',');

  function onRowKeyDownLatest(event: KeyboardEvent<HTMLDivElement>, index: number, id: string) {
    if (event.key === ' ') {
      event.preventDefault();
      props.onToggleRow(id, event.shiftKey);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)));
      const nextId = rows[next]?.id;
      if (event.shiftKey && nextId) props.onExtendSelection(id, nextId);
      virtualizer.scrollToIndex(next);
      const row = () => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`);
      // The next row is usually rendered already; if not, it is after the scroll.
      // The virtualiser scrolls to the row; focusing it must not scroll the wide row sideways.
      const rendered = row();
      if (rendered) rendered.focus({ preventScroll: true });
      else requestAnimationFrame(() => row()?.focus({ preventScroll: true }));
    } else if (event.key === 'Enter') {
      props.onOpenUser(id);
    }
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-2">
      <div
        ref={scrollRef}
        className="relative min-h-0 flex-1 overflow-auto rounded-xl border border-slate-200 bg-white"
        data-testid="users-scroller"
      >
        {props.updating && (
          <div className="pointer-events-none sticky top-11 left-0 z-20 flex h-0 justify-center">
            <p
              role="status"
              data-testid="users-updating"
              className="mt-2 inline-flex h-8 items-center gap-2 rounded-full bg-slate-900/85 px-3 text-xs font-medium text-white shadow"
            >
              <span
                aria-hidden
                className="h-3 w-3 animate-spin rounded-full border-2 border-white/40 border-t-white"
              />
              Updating the list…
            </p>
          </div>
        )}
        <div
          role="table"
          aria-label="Users"
          aria-busy={props.updating}
          aria-rowcount={props.total + 1}
          style={{ width: tableWidth, minWidth: '100%' }}
        >
          <div role="rowgroup" className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50">
            {table.getHeaderGroups().map((group) => (
              <div role="row" key={group.id} className="flex">
                {group.headers.map((header) => {
                  const field = SORTABLE[header.column.id];
                  const sorted = field && sort.field === field ? sort.direction : undefined;
                  return (
                    <div
                      role="columnheader"
                      key={header.id}
                      aria-sort={sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : undefined}
                      style={{ width: header.getSize(), ...stickyStyle(header.column.id) }}
                      className="flex h-10 shrink-0 items-center bg-slate-50 px-4 text-xs font-medium uppercase tracking-wide text-slate-600"
                    >
                      {field ? (
                        <button
                          type="button"
                          aria-label={`Sort by ${String(header.column.columnDef.header).toLowerCase()}`}
                          className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
                          onClick={() =>
                            props.onSort({ field, direction: sorted === 'asc' ? 'desc' : 'asc' })
                          }
                        >
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden className={sorted ? 'text-brand-600' : 'text-slate-300'}>
                            {sorted === 'desc' ? '↓' : '↑'}
                          </span>
                        </button>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
          <div
            role="rowgroup"
            style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
            className={props.updating ? 'opacity-50 transition-opacity' : 'transition-opacity'}
          >
            {items.map((item) => {
              const row = tableRows[item.index];
              if (!row) return null;
              return (
                <UserTableRow
                  key={row.id}
                  row={row}
                  columns={columns}
                  visibleColumns={visibleColumnsKey}
                  index={item.index}
                  start={item.start}
                  position={(base ?? 0) + item.index}
                  selected={isSelected(selection, row.original.id)}
                  tabStop={item.index === tabStop}
                  onRowFocus={onRowFocus}
                  onRowKeyDown={onRowKeyDownStable}
                />
              );
            })}
          </div>
          {isFetchingNextPage && (
            <div className="sticky bottom-0 border-t border-slate-100 bg-white/90 px-4 py-2 text-xs text-slate-500">
              Loading more users…
            </div>
          )}
        </div>
      </div>
      <ListPosition
        first={base === null || rows.length === 0 ? null : base + firstSeen + 1}
        last={base === null || rows.length === 0 ? null : base + lastSeen + 1}
        total={props.exactTotal}
        sort={sort}
        loadingAbove={isFetchingPreviousPage}
        onJump={props.onJump}
      />
    </div>
  );
}

/**
 * One row of the table, memoised: while the list scrolls, a row already shown is not rendered again
 * (its props stay the same); only the rows scrolled into view are. `columns` and `visibleColumns`
 * change with the selection, the loaded pages and the chosen columns: then every row shown renders.
 */
const UserTableRow = memo(function UserTableRow({
  row,
  index,
  start,
  position,
  selected,
  tabStop,
  onRowFocus,
  onRowKeyDown,
}: {
  row: Row<UserRow>;
  columns: readonly ColumnDef<UserRow>[];
  visibleColumns: string;
  index: number;
  start: number;
  /** The row's position in the whole result, from 0. */
  position: number;
  selected: boolean;
  tabStop: boolean;
  onRowFocus: (event: FocusEvent<HTMLDivElement>, index: number) => void;
  onRowKeyDown: (event: KeyboardEvent<HTMLDivElement>, index: number, id: string) => void;
}) {
  return (
    <div
      role="row"
      data-index={index}
      data-user-id={row.original.id}
      aria-rowindex={position + 2}
      aria-selected={selected}
      tabIndex={tabStop ? 0 : -1}
      onFocus={(e) => onRowFocus(e, index)}
      onKeyDown={(e) => onRowKeyDown(e, index, row.original.id)}
      // Opaque backgrounds: the sticky checkbox and name cells take the row's (bg-inherit).
      className={`absolute left-0 flex w-full items-center border-b border-slate-100 text-sm text-slate-700 outline-none focus-visible:bg-brand-50 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-inset ${
        selected ? 'bg-brand-50' : 'bg-white hover:bg-slate-50'
      }`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
    >
      {row.getVisibleCells().map((cell) => (
        <div
          role="cell"
          key={cell.id}
          style={{ width: cell.column.getSize(), ...stickyStyle(cell.column.id) }}
          className={`flex h-full shrink-0 items-center overflow-hidden px-4 ${
            cell.column.id in STICKY_LEFT ? 'bg-inherit' : ''
          }`}
        >
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </div>
      ))}
    </div>
  );
});
