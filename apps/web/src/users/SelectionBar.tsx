import type { ReactNode } from 'react';
import { Button } from '../components/Button';
import { formatCount } from '../lib/format';
import {
  describeSelection,
  matchingUsers,
  type SelectionState,
  selectedCount,
  toSelection,
} from './selection';

/**
 * Says what is selected and offers "Select all N users matching this filter". The selection object
 * it exposes (data-selection) is exactly what bulk operations take.
 */
export function SelectionBar({
  selection,
  loadedCount,
  allLoadedSelected,
  total,
  filtered,
  onSelectAllMatching,
  onClear,
  children,
}: {
  selection: SelectionState;
  loadedCount: number;
  allLoadedSelected: boolean;
  /** The exact number of matching users; undefined while it is being counted. */
  total: number | undefined;
  /** Whether a filter narrows the users (else "all N users"). */
  filtered: boolean;
  onSelectAllMatching: () => void;
  onClear: () => void;
  /** What can be done with the selection (the "Mass operation" drop-down). */
  children?: ReactNode;
}) {
  const count = selectedCount(selection);
  if (count === 0) {
    // The operations are there before any selection (choose one, then tick users): the menu says
    // that users must be selected first.
    return (
      <div
        data-testid="no-selection-bar"
        className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border border-slate-200 bg-white px-4 py-2.5 text-sm text-slate-600"
      >
        {children}
        <span>
          No users selected: tick them in the table
          {total !== undefined && total > 0 ? (
            <>
              {' '}
              or{' '}
              <button
                type="button"
                className="font-medium text-brand-700 underline hover:text-brand-900"
                onClick={onSelectAllMatching}
              >
                select all {matchingUsers(total, filtered)}
              </button>
            </>
          ) : null}
          .
        </span>
      </div>
    );
  }
  return (
    <div
      role="status"
      data-testid="selection-bar"
      data-selection={JSON.stringify(toSelection(selection))}
      className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border border-brand-200 bg-brand-50 px-4 py-2.5 text-sm text-brand-900"
    >
      <span className="font-semibold" data-testid="selected-count">
        {formatCount(count)} selected
      </span>
      {children}
      {selection.mode === 'filter' ? (
        <span data-testid="selection-words">{describeSelection(selection)} are selected.</span>
      ) : allLoadedSelected && (total === undefined || total > loadedCount) ? (
        <>
          <span>All {formatCount(loadedCount)} loaded users are selected.</span>
          <button
            type="button"
            disabled={total === undefined}
            className="font-medium text-brand-700 underline hover:text-brand-900 disabled:cursor-default disabled:text-slate-600 disabled:no-underline"
            onClick={onSelectAllMatching}
          >
            {total === undefined
              ? 'Counting the matching users…'
              : `Select all ${matchingUsers(total, filtered)}`}
          </button>
        </>
      ) : null}
      <Button variant="ghost" className="ml-auto" onClick={onClear}>
        Clear selection
      </Button>
    </div>
  );
}
