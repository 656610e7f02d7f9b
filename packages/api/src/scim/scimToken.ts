import { apiTokens, auditEvents, type Db, roles, users } from '@roster/db';
import {
  isAdministrator,
  personName,
  SCIM_TOKEN_REFUSALS,
  type ScimTokenRefusal,
  scimTokenRefusal,
} from '@roster/domain';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { hashToken } from '../auth/secrets';

/** Who a SCIM request acts as: the token (its name is in every audit event) and its administrator. */
export type ScimCaller = {
  tokenId: string;
  tokenName: string;
  actor: { id: string; name: string };
};

/** A refused SCIM request: why, and the stored token it named if any (its id and name, never itself). */
type ScimRefused = { refusal: ScimTokenRefusal; token: { id: string; name: string } | null };

/** Who a SCIM request is: its caller, or why it is nobody. */
export type ScimTokenCheck = { ok: true; caller: ScimCaller } | ({ ok: false } & ScimRefused);

/**
 * The caller of a SCIM request: an API token with the `scim` scope, neither revoked nor expired,
 * whose owner is still an active administrator (the domain's `scimTokenRefusal`). Any other token
 * (an `api` one included), or none, is nobody: SCIM endpoints answer 401, and the refusal says why.
 */
export async function resolveScimToken(
  db: Db,
  bearer: string | undefined,
  now: Date,
): Promise<ScimTokenCheck> {
  const [row] = bearer
    ? await db
        .select({
          tokenId: apiTokens.id,
          tokenName: apiTokens.name,
          scope: apiTokens.scope,
          revokedAt: apiTokens.revokedAt,
          expiresAt: apiTokens.expiresAt,
          userId: users.id,
          email: users.email,
          firstName: users.firstName,
          lastName: users.lastName,
          status: users.status,
          roleIsAdmin: roles.isAdmin,
        })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .innerJoin(roles, eq(roles.id, users.roleId))
        .where(eq(apiTokens.tokenHash, hashToken(bearer)))
    : [];
  const refusal = scimTokenRefusal(
    bearer !== undefined,
    row && { ...row, ownerIsAdministrator: isAdministrator(row) },
    now,
  );
  if (refusal !== null) {
    return { ok: false, refusal, token: row ? { id: row.tokenId, name: row.tokenName } : null };
  }
  // scimTokenRefusal refuses a request whose token was not found (`no_token`, `unknown_token`).
  if (!row) throw new Error('A SCIM request without a stored token was let in');
  return {
    ok: true,
    caller: {
      tokenId: row.tokenId,
      tokenName: row.tokenName,
      actor: { id: row.userId, name: personName(row.firstName, row.lastName) || row.email },
    },
  };
}

/** One SCIM request as the audit keeps it (never its body, nor the token). */
export type ScimRequestRecord = {
  method: string;
  path: string;
  status: number;
  scimType?: string | undefined;
  operationId?: string | undefined;
};

/**
 * Every SCIM request is audited (`scim.request`), with the token's id and name, whatever its
 * outcome; a refused one without a caller or owner (`scim.refused`), with why, and the id and name
 * of the stored token it named (a revoked or expired one, an `api` one), never what was sent.
 */
export async function auditScimRequest(
  db: Db,
  /** `null`: refused before its token was read (too many requests at once). */
  who: ScimTokenCheck | null,
  request: ScimRequestRecord & { ip: string },
  now: Date,
): Promise<void> {
  const caller = who?.ok ? who.caller : null;
  const token = who?.ok ? { id: who.caller.tokenId, name: who.caller.tokenName } : (who?.token ?? null);
  await db.transaction(async (tx) => {
    await tx.insert(auditEvents).values({
      at: now,
      actorId: caller?.actor.id ?? null,
      userId: caller?.actor.id ?? null,
      operationId: request.operationId ?? null,
      action: caller ? 'scim.request' : 'scim.refused',
      meta: {
        ...(token ? { tokenId: token.id, tokenName: token.name } : {}),
        ...(who && !who.ok ? { refusal: who.refusal } : {}),
        method: request.method,
        path: request.path,
        status: request.status,
        ...(request.scimType ? { scimType: request.scimType } : {}),
        ip: request.ip,
      },
    });
    if (caller) {
      await tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, caller.tokenId));
    }
  });
}

const requestMetaSchema = z.object({
  tokenId: z.string().optional(),
  tokenName: z.string().optional(),
  refusal: z.enum(SCIM_TOKEN_REFUSALS).optional(),
  method: z.string(),
  path: z.string(),
  status: z.number(),
  scimType: z.string().optional(),
});

/**
 * The last SCIM requests, newest first, for Admin › Provisioning: those of these tokens' owners
 * (`scim.request`) and the refused ones (`scim.refused`, which have no owner), each read backwards on
 * the audit's (user_id, id) index, and merged.
 */
export async function lastScimRequests(db: Db, ownerIds: readonly string[], limit: number) {
  const columns = {
    id: auditEvents.id,
    at: auditEvents.at,
    meta: auditEvents.meta,
    operationId: auditEvents.operationId,
  };
  const [answered, refused] = await Promise.all([
    ownerIds.length === 0
      ? Promise.resolve([])
      : db
          .select(columns)
          .from(auditEvents)
          .where(and(inArray(auditEvents.userId, [...ownerIds]), eq(auditEvents.action, 'scim.request')))
          .orderBy(desc(auditEvents.id))
          .limit(limit),
    db
      .select(columns)
      .from(auditEvents)
      .where(and(isNull(auditEvents.userId), eq(auditEvents.action, 'scim.refused')))
      .orderBy(desc(auditEvents.id))
      .limit(limit),
  ]);
  return [...answered, ...refused]
    .sort((a, b) => b.id - a.id)
    .slice(0, limit)
    .flatMap((row) => {
      const meta = requestMetaSchema.safeParse(row.meta);
      return meta.success ? [{ id: row.id, at: row.at, operationId: row.operationId, ...meta.data }] : [];
    });
}
