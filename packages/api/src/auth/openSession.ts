import { type Db, sessions } from '@roster/db';
import type { Context } from '../context';
import { hashToken, newSecretToken } from './secrets';

/** What a new session's cookie needs. */
export type OpenedSession = { token: string; expiresAt: Date };

/**
 * Opens a session for a user inside the caller's transaction and returns what the cookie needs;
 * only the token's hash is stored.
 */
export async function openSession(
  tx: Db,
  ctx: Pick<Context, 'config'>,
  userId: string,
  now: Date,
): Promise<OpenedSession> {
  const token = newSecretToken();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlDays * 86_400_000);
  await tx.insert(sessions).values({ userId, tokenHash: hashToken(token), createdAt: now, expiresAt });
  return { token, expiresAt };
}
