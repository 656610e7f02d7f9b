import { type ChangeLine, type ChangeNames, describeChange as describeChangeLines } from '@roster/domain';
import { formatDate } from '../lib/format';

/** How ids are shown to people (the domain's `ChangeNames`). */
export type Names = ChangeNames;

/** One line of a user's diff (the domain's `ChangeLine`). */
export type DiffLine = ChangeLine;

/**
 * A change's before/after as lines people read ("Role: Reader → Administrator", "Scope: + Finance"),
 * in the domain's words, dates in the browser's format.
 */
export function describeChange(before: unknown, after: unknown, names: Names): DiffLine[] {
  return describeChangeLines(before, after, names, formatDate);
}
