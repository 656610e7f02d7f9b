import { createHash } from 'node:crypto';
import { scimMinuteStart, scimOperationParamsSchema } from '@roster/domain';

/**
 * The id of an operation that records a SCIM token's single writes (POST, PUT, PATCH, DELETE of a
 * user, a group's membership) during one UTC minute: the same on every server, so that they all
 * write into one operation, and shaped as the UUIDv7 keys of other operations (the minute's start as
 * its time, the rest from the token's id, the minute and the generation), so it sorts among them by
 * time. `generation`: which of the minute's operations (0 the first; a write opens the next one when
 * it finds the one before reverted, `scimMinuteOperationTakesWrites`).
 */
export function scimMinuteOperationId(tokenId: string, at: Date, generation: number): string {
  const minute = scimMinuteStart(at);
  // The first generation keeps the key it had before there were generations.
  const key = generation === 0 ? `${tokenId}:${minute}` : `${tokenId}:${minute}:${generation}`;
  const hash = createHash('sha256').update(`scim-minute:${key}`).digest('hex');
  const time = minute.toString(16).padStart(12, '0');
  const variant = ((Number.parseInt(hash.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hash.slice(0, 3)}-${variant}${hash.slice(4, 7)}-${hash.slice(7, 19)}`;
}

/** How the minute's operation is named in Operations (its parameters' `request`). */
export function scimMinuteLabel(at: Date, generation: number): string {
  const from = new Date(scimMinuteStart(at));
  const label = `Single requests, ${from.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return generation === 0 ? label : `${label}, part ${generation + 1}`;
}

/**
 * When a token's operation of single writes was opened, or null for any other operation (a /Bulk
 * request's included). Such an operation is told by its id: the one `scimMinuteOperationId` gives
 * its token (in its parameters) for the minute it was created in and its generation.
 */
export function scimMinuteOpenedAt(operation: {
  id: string;
  kind: string;
  params: unknown;
  createdAt: Date;
}): Date | null {
  if (operation.kind !== 'scim') return null;
  const params = scimOperationParamsSchema.safeParse(operation.params);
  return params.success &&
    operation.id ===
      scimMinuteOperationId(params.data.tokenId, operation.createdAt, params.data.generation ?? 0)
    ? operation.createdAt
    : null;
}
