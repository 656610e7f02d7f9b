import { auditEvents, roles, signInThrottle, users } from '@roster/db';
import {
  DomainError,
  isAdministrator,
  SIGN_IN_ANY_EMAIL,
  type SignInInput,
  signInThrottleAddress,
  tooManyAttemptsMessage,
} from '@roster/domain';
import { and, eq } from 'drizzle-orm';
import type { Context } from '../context';
import { userIdentityColumns } from '../users/userColumns';
import { admitAttempt, takeBackAttempt } from './admitAttempt';
import { openSession } from './openSession';
import { verifyPassword } from './secrets';

export type SignedInUser = {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  roleName: string;
  isAdmin: boolean;
};

/** What the app is told of the user a sign-in (or an accepted invitation) opened a session for. */
export function signedInUser(
  user: Omit<SignedInUser, 'isAdmin'> & { status: string; roleIsAdmin: boolean },
): SignedInUser {
  const { id, email, firstName, lastName, roleName } = user;
  return { id, email, firstName, lastName, roleName, isAdmin: isAdministrator(user) };
}

async function auditFailure(
  ctx: Context,
  email: string,
  reason: string,
  userId: string | null,
): Promise<void> {
  await ctx.db.insert(auditEvents).values({
    at: ctx.now(),
    userId,
    actorId: userId,
    action: 'auth.sign_in_failed',
    meta: { email, reason, ip: ctx.request.ip },
  });
}

/**
 * Checks an e-mail and password and opens a session. Unknown e-mails and wrong passwords get the
 * same answer after the same work; repeated failures from one address make its next attempts wait
 * (SIGN_IN_THROTTLE), never the owner's at another address.
 */
export async function signIn(ctx: Context, input: SignInInput): Promise<SignedInUser> {
  // One HTTP request, one password check: a batch of sign-ins would buy many scrypt runs (and rows)
  // for the price of one request, around any per-request limit.
  if (ctx.request.procedures.length > 1) throw new DomainError('sign_in_batched');
  const now = ctx.now();
  const address = signInThrottleAddress(ctx.request.ip);
  const wait = await admitAttempt(ctx.db, address, [SIGN_IN_ANY_EMAIL, input.email], now);
  if (wait > 0) {
    throw new DomainError('too_many_attempts', tooManyAttemptsMessage(wait), { retryAfterMs: wait });
  }
  const [user] = await ctx.db
    .select({
      ...userIdentityColumns,
      passwordHash: users.passwordHash,
      roleName: roles.name,
      roleIsAdmin: roles.isAdmin,
    })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(eq(users.email, input.email));
  const passwordOk = await verifyPassword(input.password, user?.passwordHash);
  if (!user || !passwordOk) {
    await auditFailure(ctx, input.email, user ? 'wrong_password' : 'unknown_email', user?.id ?? null);
    throw new DomainError('invalid_credentials');
  }
  if (user.status !== 'active') {
    await auditFailure(ctx, input.email, `status_${user.status}`, user.id);
    throw new DomainError(user.status === 'deactivated' ? 'account_deactivated' : 'account_not_active');
  }
  const session = await ctx.db.transaction(async (tx) => {
    const opened = await openSession(tx, ctx, user.id, now);
    await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
    // This attempt was counted as a failure before the check: taken back from the address, and the
    // e-mail's failures from this address are forgotten.
    await tx
      .delete(signInThrottle)
      .where(and(eq(signInThrottle.address, address), eq(signInThrottle.email, input.email)));
    await takeBackAttempt(tx, address, SIGN_IN_ANY_EMAIL);
    await tx.insert(auditEvents).values({
      at: now,
      actorId: user.id,
      userId: user.id,
      action: 'auth.sign_in',
      meta: { ip: ctx.request.ip, userAgent: ctx.request.userAgent ?? null },
    });
    return opened;
  });
  ctx.cookie.set(session.token, session.expiresAt);
  return signedInUser(user);
}
