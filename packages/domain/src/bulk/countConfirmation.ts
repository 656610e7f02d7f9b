import type { BulkOperationKind } from '../catalog';
import { DomainError } from '../errors';
import { isOperationKind, OPERATIONS } from './operations';

/**
 * From this many selected users, an operation that locks people out is confirmed by typing how many
 * users it is applied to (issue 19: "deactivate ≥ 100 users asks for the typed count").
 */
export const COUNT_CONFIRMATION_THRESHOLD = 100;

/** Whether operations of this kind lock people out (their declared tone is `danger`: Deactivate). */
export function locksPeopleOut(kind: BulkOperationKind): boolean {
  return isOperationKind(kind) && OPERATIONS[kind].tone === 'danger';
}

/**
 * The number the administrator types before applying an operation of this kind to `selected` users,
 * or null when nothing has to be typed: the selected users themselves, for an operation that locks
 * people out over {@link COUNT_CONFIRMATION_THRESHOLD} users or more.
 */
export function countToConfirm(kind: BulkOperationKind, selected: number): number | null {
  return locksPeopleOut(kind) && selected >= COUNT_CONFIRMATION_THRESHOLD ? selected : null;
}

/**
 * Refuses (`count_confirmation_required`) an operation over `selected` users that must be confirmed
 * by its count unless `confirmCount` is that count: a client cannot skip the question, and a number
 * typed for another selection (a filter that now matches more users) does not pass.
 */
export function refuseUnconfirmedCount(
  kind: BulkOperationKind,
  selected: number,
  confirmCount: number | undefined,
): void {
  const expected = countToConfirm(kind, selected);
  if (expected !== null && confirmCount !== expected) {
    throw new DomainError(
      'count_confirmation_required',
      `Applying this operation to ${selected.toLocaleString('en')} users is confirmed by their number: send confirmCount: ${selected}.`,
    );
  }
}

/** The label of the field where the number is typed: "Number of users to deactivate". */
export function countConfirmationLabel(kind: BulkOperationKind): string {
  return `Number of users to ${(isOperationKind(kind) ? OPERATIONS[kind].label : kind).toLowerCase()}`;
}
