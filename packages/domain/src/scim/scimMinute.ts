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
 * operation), until its minute has passed: its status says finished after each write, but a later
 * write of the same minute still joins it, and a revert would miss that write.
 */
export function isFollowUpSourceUnfinished(
  source: { status: BulkOperationStatus; scimMinute: Date | null },
  now: Date,
): boolean {
  if (isOperationUnfinished(source.status)) return true;
  return source.scimMinute !== null && now.getTime() < scimMinuteStart(source.scimMinute) + SCIM_MINUTE_MS;
}
