import type { RouterOutputs } from '@roster/api';
import type { UserSort, UserSortField } from '@roster/domain';
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';
import { formatDate, formatDateTime } from '../lib/format';
import { ModuleAccessSummary } from './ModuleAccessSummary';
import { StatusBadge } from './StatusBadge';
import { headerState, isSelected, type SelectionState } from './selection';

export type UserRow = RouterOutputs['users']['list']['items'][number];

const ROW_HEIGHT = 52;

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
  now: Date;
};

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
}: {
  checked: boolean | 'indeterminate';
  label: string;
  onClick: (event: MouseEvent<HTMLInputElement>) => void;
  /** A row's checkbox is reached through its row (Space); the header's is a tab stop of its own. */
  focusable?: boolean;
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
      tabIndex={focusable ? 0 : -1}
      className="h-4 w-4 cursor-pointer rounded border-slate-300 accent-brand-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
    />
  );
}

/**
 * The users table: a virtualised list of every loaded row (pages load as you scroll), server-side
 * sorting, and checkbox selection with shift-click ranges and the keyboard (space toggles the
 * focused row, arrows move).
 */
export function UsersTable(props: Props) {
  const { rows, sort, selection, now } = props;
  const loadedIds = useMemo(() => rows.map((r) => r.id), [rows]);
  const columns = useMemo<ColumnDef<UserRow>[]>(
    () => [
      {
        id: 'select',
        size: 48,
        header: () => (
          <Checkbox
            label="Select loaded users"
            checked={headerState(selection, loadedIds)}
            onClick={() => props.onToggleLoaded()}
            focusable
          />
        ),
        cell: ({ row }) => (
          <Checkbox
            label={`Select ${row.original.email}`}
            checked={isSelected(selection, row.original.id)}
            onClick={(e) => props.onToggleRow(row.original.id, e.shiftKey)}
          />
        ),
      },
      {
        id: 'name',
        header: 'Name',
        size: 220,
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
        size: 290,
        cell: ({ row }) => <span className="truncate">{row.original.email}</span>,
      },
      { id: 'role', header: 'Role', size: 170, cell: ({ row }) => row.original.roleName },
      {
        id: 'status',
        header: 'Status',
        size: 220,
        cell: ({ row }) => (
          <StatusBadge status={row.original.status} invitation={row.original.invitation} now={now} />
        ),
      },
      {
        id: 'access',
        header: 'Module access',
        size: 220,
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
    ],
    [selection, loadedIds, props.onToggleLoaded, props.onToggleRow, props.onOpenUser, now],
  );
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
  });
  const scrollRef = useRef<HTMLDivElement>(null);
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
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = props;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 30) fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const width = table.getTotalSize();
  const tableRows = table.getRowModel().rows;

  const onRowKeyDown = (event: KeyboardEvent<HTMLDivElement>, index: number, id: string) => {
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
  };

  return (
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
        style={{ width, minWidth: '100%' }}
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
                    style={{ width: header.getSize() }}
                    className="flex h-10 shrink-0 items-center px-4 text-xs font-medium uppercase tracking-wide text-slate-500"
                  >
                    {field ? (
                      <button
                        type="button"
                        aria-label={`Sort by ${String(header.column.columnDef.header).toLowerCase()}`}
                        className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
                        onClick={() => props.onSort({ field, direction: sorted === 'asc' ? 'desc' : 'asc' })}
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
            const selected = isSelected(selection, row.original.id);
            return (
              <div
                role="row"
                key={row.id}
                data-index={item.index}
                data-user-id={row.original.id}
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                tabIndex={item.index === tabStop ? 0 : -1}
                onFocus={(e) => {
                  setActiveIndex(item.index);
                  // Reached with the keyboard, a row shows its checkbox and name: the browser
                  // scrolled the wide row sideways to bring it into view.
                  if (e.currentTarget.matches(':focus-visible') && scrollRef.current) {
                    scrollRef.current.scrollLeft = 0;
                  }
                }}
                onKeyDown={(e) => onRowKeyDown(e, item.index, row.original.id)}
                className={`absolute left-0 flex w-full items-center border-b border-slate-100 text-sm text-slate-700 outline-none focus-visible:bg-brand-50 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-inset ${
                  selected ? 'bg-brand-50/70' : 'hover:bg-slate-50'
                }`}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                {row.getVisibleCells().map((cell) => (
                  <div
                    role="cell"
                    key={cell.id}
                    style={{ width: cell.column.getSize() }}
                    className="flex shrink-0 items-center overflow-hidden px-4"
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
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
  );
}
