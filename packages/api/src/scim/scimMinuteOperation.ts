import { createHash } from 'node:crypto';
import { scimMinuteStart, scimOperationParamsSchema } from '@roster/domain';

/**
 * The id of the operation that records a SCIM token's single writes (POST, PUT, PATCH, DELETE of a
 * user, a group's membership) during one UTC minute: the same on every server, so that they all
 * write into one operation, and shaped as the UUIDv7 keys of other operations (the minute's start as
 * its time, the rest from the token's id and the minute), so it sorts among them by time.
 */
export function scimMinuteOperationId(tokenId: string, at: Date): string {
  const minute = scimMinuteStart(at);
  const hash = createHash('sha256').update(`scim-minute:${tokenId}:${minute}`).digest('hex');
  const time = minute.toString(16).padStart(12, '0');
  const variant = ((Number.parseInt(hash.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hash.slice(0, 3)}-${variant}${hash.slice(4, 7)}-${hash.slice(7, 19)}`;
}

/** How the minute's operation is named in Operations (its parameters' `request`). */
export function scimMinuteLabel(at: Date): string {
  const from = new Date(scimMinuteStart(at));
  return `Single requests, ${from.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * When a token's operation of single writes was opened, or null for any other operation (a /Bulk
 * request's included). Such an operation is told by its id: the one `scimMinuteOperationId` gives
 * its token (in its parameters) for the minute it was created in.
 */
export function scimMinuteOpenedAt(operation: {
  id: string;
  kind: string;
  params: unknown;
  createdAt: Date;
}): Date | null {
  if (operation.kind !== 'scim') return null;
  const params = scimOperationParamsSchema.safeParse(operation.params);
  return params.success && operation.id === scimMinuteOperationId(params.data.tokenId, operation.createdAt)
    ? operation.createdAt
    : null;
}
