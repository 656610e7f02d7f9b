import type { Selection, UsersFilter } from '@roster/domain';

/**
 * What the administrator has selected in the users table: ticked rows (kept across scrolling,
 * sorting and filtering), or every user matching the current filter as counted by the server.
 */
export type SelectionState =
  | { mode: 'ids'; ids: ReadonlySet<string>; anchor: string | null }
  | { mode: 'filter'; filter: UsersFilter; count: number };

export const emptySelection: SelectionState = { mode: 'ids', ids: new Set(), anchor: null };

export function selectedCount(state: SelectionState): number {
  return state.mode === 'ids' ? state.ids.size : state.count;
}

export function isSelected(state: SelectionState, id: string): boolean {
  return state.mode === 'filter' || state.ids.has(id);
}

/** Ticks or unticks one row; a click with shift sets the whole range from the last clicked row. */
export function toggleRow(
  state: SelectionState,
  id: string,
  loadedIds: readonly string[],
  withShift: boolean,
): SelectionState {
  const ids = new Set(state.mode === 'ids' ? state.ids : loadedIds);
  const anchor = state.mode === 'ids' ? state.anchor : null;
  const select = !(state.mode === 'filter' || ids.has(id));
  const from = withShift && anchor ? loadedIds.indexOf(anchor) : -1;
  const to = loadedIds.indexOf(id);
  if (from >= 0 && to >= 0) {
    for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
      const rowId = loadedIds[i];
      if (rowId === undefined) continue;
      if (select) ids.add(rowId);
      else ids.delete(rowId);
    }
  } else if (select) ids.add(id);
  else ids.delete(id);
  return { mode: 'ids', ids, anchor: id };
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
  if (state.mode === 'filter') return true;
  const n = loadedIds.filter((id) => state.ids.has(id)).length;
  return n === 0 ? false : n === loadedIds.length ? true : 'indeterminate';
}

export function selectAllMatching(filter: UsersFilter, count: number): SelectionState {
  return { mode: 'filter', filter, count };
}

/** The SPEC §2 selection object every bulk operation takes. */
export function toSelection(state: SelectionState): Selection {
  return state.mode === 'ids'
    ? { ids: [...state.ids] }
    : { filter: state.filter, expectedCount: state.count };
}
