/** Why a SCIM request's token was refused. */
export const SCIM_TOKEN_REFUSALS = [
  'no_token',
  'unknown_token',
  'revoked',
  'expired',
  'wrong_scope',
  'not_administrator',
] as const;
export type ScimTokenRefusal = (typeof SCIM_TOKEN_REFUSALS)[number];

export function isScimTokenRefusal(value: unknown): value is ScimTokenRefusal {
  return SCIM_TOKEN_REFUSALS.some((refusal) => refusal === value);
}

/** Each refusal as Admin › Provisioning says it (never the token itself). */
export const SCIM_TOKEN_REFUSAL_SENTENCES: Record<ScimTokenRefusal, string> = {
  no_token: 'No token sent',
  unknown_token: 'Unknown token',
  revoked: 'Revoked token',
  expired: 'Expired token',
  wrong_scope: 'Not a SCIM token (API scope)',
  not_administrator: 'Its administrator is no longer an active administrator',
};

/** A stored token as the check reads it, with whether its owner is an active administrator. */
export type PresentedScimToken = {
  scope: 'api' | 'scim';
  revokedAt: Date | null;
  expiresAt: Date | null;
  ownerIsAdministrator: boolean;
};

/**
 * Whether a SCIM request's token lets it in: a token with the `scim` scope, neither revoked nor
 * expired, whose owner is an active administrator; `null` when it does, else why not.
 */
export function scimTokenRefusal(
  sent: boolean,
  token: PresentedScimToken | undefined,
  now: Date,
): ScimTokenRefusal | null {
  if (!sent) return 'no_token';
  if (!token) return 'unknown_token';
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (token.scope !== 'scim') return 'wrong_scope';
  if (!token.ownerIsAdministrator) return 'not_administrator';
  return null;
}
