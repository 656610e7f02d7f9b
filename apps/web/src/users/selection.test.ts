import { describe, expect, it } from 'vitest';
import {
  describeSelection,
  emptySelection,
  headerState,
  isSelected,
  matchingUsers,
  type SelectionState,
  selectAllMatching,
  selectedCount,
  toggleLoaded,
  toggleRow,
  toSelection,
} from './selection';

const loaded = ['a', 'b', 'c', 'd', 'e', 'f'];

/** The ids of an `{ ids }` selection, in any order. */
function idsOf(state: SelectionState): Set<string> {
  const selection = toSelection(state);
  if (!('ids' in selection)) throw new Error('expected an { ids } selection');
  return new Set(selection.ids);
}

describe('users table selection', () => {
  it('ticks and unticks single rows', () => {
    let s = toggleRow(emptySelection, 'b', loaded, false);
    s = toggleRow(s, 'd', loaded, false);
    expect(toSelection(s)).toEqual({ ids: ['b', 'd'] });
    s = toggleRow(s, 'b', loaded, false);
    expect(toSelection(s)).toEqual({ ids: ['d'] });
  });

  it('shift-click selects the range from the last clicked row, in either direction', () => {
    let s = toggleRow(emptySelection, 'b', loaded, false);
    s = toggleRow(s, 'e', loaded, true);
    expect(idsOf(s)).toEqual(new Set(['b', 'c', 'd', 'e']));
    s = toggleRow(s, 'a', loaded, true);
    expect(idsOf(s)).toEqual(new Set(['a', 'b', 'c', 'd', 'e']));
  });

  it('shift-click on a ticked row unticks the range', () => {
    let s = toggleLoaded(emptySelection, loaded);
    s = toggleRow(s, 'b', loaded, false);
    s = toggleRow(s, 'd', loaded, true);
    expect(idsOf(s)).toEqual(new Set(['a', 'e', 'f']));
  });

  it('keeps rows that are no longer loaded (another sort or filter)', () => {
    let s = toggleRow(emptySelection, 'a', loaded, false);
    s = toggleRow(s, 'x', ['x', 'y'], false);
    expect(idsOf(s)).toEqual(new Set(['a', 'x']));
    expect(headerState(s, ['x', 'y'])).toBe('indeterminate');
  });

  it('the header checkbox selects what is loaded, then clears it', () => {
    let s = toggleLoaded(emptySelection, loaded);
    expect(selectedCount(s)).toBe(6);
    expect(headerState(s, loaded)).toBe(true);
    s = toggleLoaded(s, loaded);
    expect(selectedCount(s)).toBe(0);
    expect(headerState(s, loaded)).toBe(false);
  });

  it('"select all matching" produces the filter selection with the count the admin saw', () => {
    const s = selectAllMatching({ status: ['invited'] }, 1234);
    expect(selectedCount(s)).toBe(1234);
    expect(isSelected(s, 'anything')).toBe(true);
    expect(toSelection(s)).toEqual({ filter: { status: ['invited'] }, expectedCount: 1234 });
    expect(describeSelection(s)).toBe('All 1,234 users matching this filter');
  });

  it('unticking rows after "select all matching" leaves them out of it, never drops the rest', () => {
    const s = selectAllMatching({ status: ['invited'] }, 50_000);
    let t = toggleRow(s, 'c', loaded, false);
    expect(selectedCount(t)).toBe(49_999);
    expect(isSelected(t, 'c')).toBe(false);
    expect(isSelected(t, 'not-loaded')).toBe(true);
    expect(headerState(t, loaded)).toBe('indeterminate');
    expect(toSelection(t)).toEqual({
      filter: { status: ['invited'] },
      expectedCount: 50_000,
      exceptIds: ['c'],
    });
    expect(describeSelection(t)).toBe('All 50,000 users matching this filter except 1');
    // Shift unticks a range; ticking a left-out row takes it back.
    t = toggleRow(t, 'e', loaded, true);
    expect(selectedCount(t)).toBe(49_997);
    t = toggleRow(t, 'd', loaded, false);
    expect(toSelection(t)).toEqual({
      filter: { status: ['invited'] },
      expectedCount: 50_000,
      exceptIds: ['c', 'e'],
    });
  });

  it('says "All N users" when no filter narrows them', () => {
    expect(describeSelection(selectAllMatching({}, 3001))).toBe('All 3,001 users');
    expect(describeSelection(selectAllMatching({ status: [] }, 1))).toBe('All 1 user');
    // The select-all link says it the same way (one function for both).
    expect(matchingUsers(3001, false)).toBe('3,001 users');
    expect(matchingUsers(2247, true)).toBe('2,247 users matching this filter');
    expect(describeSelection(toggleRow(emptySelection, 'a', loaded, false))).toBe('1 selected user');
  });
});
