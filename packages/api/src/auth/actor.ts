import { apiTokens, auditEvents, type Db, keyedLookups, roles, sessions, users } from '@roster/db';
import { isAdministrator } from '@roster/domain';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { RequestInfo } from '../context';
import { hashToken } from './secrets';

/** The signed-in person (or the person an API token acts for). */
export type Actor = {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  status: 'created' | 'invited' | 'active' | 'deactivated';
  roleId: string;
  roleName: string;
  isAdmin: boolean;
  via: { kind: 'session'; sessionId: string } | { kind: 'token'; tokenId: string };
};

const actorColumns = {
  userId: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  status: users.status,
  roleId: roles.id,
  roleName: roles.name,
  roleIsAdmin: roles.isAdmin,
};

/** Token use is audited at most once a minute per token, with its last-used time. */
const TOKEN_USE_AUDIT_INTERVAL_MS = 60_000;

/**
 * Finds who is calling: a bearer token first (tools), else the session cookie (people). Unknown,
 * revoked or expired secrets, and users who are no longer active, resolve to nobody.
 */
export async function resolveActor(db: Db, request: RequestInfo, now: Date): Promise<Actor | null> {
  // A secret's hash is looked up by key, once a request: its plan never depends on the hash.
  const lookup = keyedLookups(db);
  if (request.bearerToken) {
    const [row] = await lookup
      .select({ ...actorColumns, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .innerJoin(roles, eq(roles.id, users.roleId))
      .where(
        and(
          eq(apiTokens.tokenHash, hashToken(request.bearerToken)),
          // A SCIM token reaches only /scim/v2 (resolveScimToken), never the typed API.
          eq(apiTokens.scope, 'api'),
          isNull(apiTokens.revokedAt),
          or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        ),
      );
    if (row?.status !== 'active') return null;
    const actor = toActor(row, { kind: 'token', tokenId: row.tokenId });
    // Read with the token, the last use spares the write (a statement a request) inside the minute;
    // past it the update's own condition lets one of several concurrent requests through.
    const staleBefore = new Date(now.getTime() - TOKEN_USE_AUDIT_INTERVAL_MS);
    if (row.lastUsedAt && row.lastUsedAt >= staleBefore) return actor;
    const touched = await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiTokens.id, row.tokenId),
          or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore)),
        ),
      )
      .returning({ id: apiTokens.id });
    if (touched.length > 0) {
      await db.insert(auditEvents).values({
        at: now,
        actorId: row.userId,
        userId: row.userId,
        action: 'auth.token_used',
        meta: { tokenId: row.tokenId, ip: request.ip },
      });
    }
    return actor;
  }
  if (request.sessionToken) {
    const [row] = await lookup
      .select({ ...actorColumns, sessionId: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(roles, eq(roles.id, users.roleId))
      .where(
        and(
          eq(sessions.tokenHash, hashToken(request.sessionToken)),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, now),
        ),
      );
    if (row?.status !== 'active') return null;
    return toActor(row, { kind: 'session', sessionId: row.sessionId });
  }
  return null;
}

function toActor(
  row: {
    userId: string;
    email: string;
    firstName: string;
    lastName: string;
    status: Actor['status'];
    roleId: string;
    roleName: string;
    roleIsAdmin: boolean;
  },
  via: Actor['via'],
): Actor {
  return {
    userId: row.userId,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    status: row.status,
    roleId: row.roleId,
    roleName: row.roleName,
    isAdmin: isAdministrator(row),
    via,
  };
}
