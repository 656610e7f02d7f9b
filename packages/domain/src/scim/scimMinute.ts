import { isOperationUnfinished } from '../bulk/operationStatus';
import type { BulkOperationStatus } from '../catalog';

/** A SCIM token's single writes are recorded in one operation per UTC minute. */
export const SCIM_MINUTE_MS = 60_000;

/** The start (epoch milliseconds) of the UTC minute `at` falls in. */
export function scimMinuteStart(at: Date): number {
  return Math.floor(at.getTime() / SCIM_MINUTE_MS) * SCIM_MINUTE_MS;
}

/**
 * Whether an operation cannot be followed up (reverted, retried) yet: while it runs, and, for a SCIM
 * token's operation of single writes (`scimMinute`: when it was opened, null for any other
 * operation), until its minute has passed: its status says finished after each write, but the later
 * writes of the minute still join it, and its revert is meant to give the minute's writes back. (A
 * write that comes later still, from a server whose clock lags or a request begun before the minute
 * ended, does not join it once its revert has begun: `scimMinuteOperationTakesWrites`.)
 */
export function isFollowUpSourceUnfinished(
  source: { status: BulkOperationStatus; scimMinute: Date | null },
  now: Date,
): boolean {
  if (isOperationUnfinished(source.status)) return true;
  return source.scimMinute !== null && now.getTime() < scimMinuteStart(source.scimMinute) + SCIM_MINUTE_MS;
}

/**
 * Whether a SCIM token's operation of single writes still takes the writes of its minute. Not once
 * it has been followed up (a revert recorded, whether queued, running or done): the revert gives
 * back the results it holds then, and a later write joining it would be neither given back nor
 * told apart from what was. Nor once it ended other than as its writes leave it (cancelled,
 * failed). A write of the minute then goes to the minute's next operation (`generation` + 1).
 * `status` is the operation's as the write finds it: `running` when the write has just opened it.
 */
export function scimMinuteOperationTakesWrites(operation: {
  status: BulkOperationStatus;
  followedUp: boolean;
}): boolean {
  if (operation.followedUp) return false;
  return (
    operation.status === 'running' ||
    operation.status === 'succeeded' ||
    operation.status === 'completed_with_skips'
  );
}
