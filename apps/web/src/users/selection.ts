import { isEmptyFilter, type Selection, type UsersFilter } from '@roster/domain';
import { formatCount, plural } from '../lib/format';

/**
 * What the administrator has selected in the users table: ticked rows (kept across scrolling,
 * sorting and filtering), or every user matching the current filter as counted by the server, less
 * the rows unticked since (`except`: "all N matching except these").
 */
export type SelectionState =
  | { mode: 'ids'; ids: ReadonlySet<string>; anchor: string | null }
  | {
      mode: 'filter';
      filter: UsersFilter;
      count: number;
      except: ReadonlySet<string>;
      anchor: string | null;
    };

export const emptySelection: SelectionState = { mode: 'ids', ids: new Set(), anchor: null };

/** How many users are selected: the ticked rows, or the matching users less the unticked ones. */
export function selectedCount(state: SelectionState): number {
  return state.mode === 'ids' ? state.ids.size : state.count - state.except.size;
}

export function isSelected(state: SelectionState, id: string): boolean {
  return state.mode === 'filter' ? !state.except.has(id) : state.ids.has(id);
}

/** The rows a click sets: the clicked one, or with shift the range from the last clicked row. */
function clickedRange(id: string, anchor: string | null, loadedIds: readonly string[], withShift: boolean) {
  const from = withShift && anchor ? loadedIds.indexOf(anchor) : -1;
  const to = loadedIds.indexOf(id);
  if (from < 0 || to < 0) return [id];
  return loadedIds.slice(Math.min(from, to), Math.max(from, to) + 1);
}

/**
 * Ticks or unticks one row; a click with shift sets the whole range from the last clicked row. After
 * "select all matching", unticking a row leaves it out of the matching users (it never turns the
 * selection into the loaded rows only).
 */
export function toggleRow(
  state: SelectionState,
  id: string,
  loadedIds: readonly string[],
  withShift: boolean,
): SelectionState {
  const select = !isSelected(state, id);
  const range = clickedRange(id, state.anchor, loadedIds, withShift);
  if (state.mode === 'filter') {
    const except = new Set(state.except);
    for (const rowId of range) {
      if (select) except.delete(rowId);
      else except.add(rowId);
    }
    return { ...state, except, anchor: id };
  }
  const ids = new Set(state.ids);
  for (const rowId of range) {
    if (select) ids.add(rowId);
    else ids.delete(rowId);
  }
  return { mode: 'ids', ids, anchor: id };
}

/**
 * Shift+arrow: the selection grows to `id`, the rows from the anchor (the last row ticked, else the
 * row the move starts from) to it all selected; the anchor stays where the range began.
 */
export function extendSelection(
  state: SelectionState,
  fromId: string,
  id: string,
  loadedIds: readonly string[],
): SelectionState {
  const anchor = state.anchor ?? fromId;
  const range = clickedRange(id, anchor, loadedIds, true);
  if (state.mode === 'filter') {
    const except = new Set(state.except);
    for (const rowId of range) except.delete(rowId);
    return { ...state, except, anchor };
  }
  const ids = new Set(state.ids);
  for (const rowId of range) ids.add(rowId);
  return { mode: 'ids', ids, anchor };
}

/** The header checkbox: every loaded row, or none of them when they all are already. */
export function toggleLoaded(state: SelectionState, loadedIds: readonly string[]): SelectionState {
  if (state.mode === 'filter') return emptySelection;
  const allLoaded = loadedIds.length > 0 && loadedIds.every((id) => state.ids.has(id));
  const ids = new Set(state.ids);
  for (const id of loadedIds) {
    if (allLoaded) ids.delete(id);
    else ids.add(id);
  }
  return { mode: 'ids', ids, anchor: null };
}

export function headerState(state: SelectionState, loadedIds: readonly string[]): boolean | 'indeterminate' {
  if (state.mode === 'filter') return state.except.size === 0 ? true : 'indeterminate';
  const n = loadedIds.filter((id) => state.ids.has(id)).length;
  return n === 0 ? false : n === loadedIds.length ? true : 'indeterminate';
}

export function selectAllMatching(filter: UsersFilter, count: number): SelectionState {
  return { mode: 'filter', filter, count, except: new Set(), anchor: null };
}

/** The SPEC §2 selection object every bulk operation takes. */
export function toSelection(state: SelectionState): Selection {
  if (state.mode === 'ids') return { ids: [...state.ids] };
  return {
    filter: state.filter,
    expectedCount: state.count,
    ...(state.except.size ? { exceptIds: [...state.except] } : {}),
  };
}

/**
 * Users a view matches, in words: "2,247 users matching this filter" only when a filter narrows
 * them (see the domain's `isEmptyFilter`), else "50,000 users".
 */
export function matchingUsers(count: number, filtered: boolean): string {
  return `${plural(count, 'user')}${filtered ? ' matching this filter' : ''}`;
}

/**
 * The selection in words, for the selection bar and the mass-operation panel: "All 2,247 users
 * matching this filter", "All 50,000 users except 1", "3 selected users".
 */
export function describeSelection(state: SelectionState): string {
  if (state.mode === 'ids') return plural(state.ids.size, 'selected user');
  const all = `All ${matchingUsers(state.count, !isEmptyFilter(state.filter))}`;
  return state.except.size ? `${all} except ${formatCount(state.except.size)}` : all;
}
