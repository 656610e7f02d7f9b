import { auditEvents, roles, signInThrottle, users } from '@roster/db';
import {
  DomainError,
  isAdministrator,
  SIGN_IN_ANY_EMAIL,
  type SignInInput,
  signInThrottleAddress,
  tooManyAttemptsMessage,
  type UserStatus,
} from '@roster/domain';
import { and, eq } from 'drizzle-orm';
import type { Context } from '../context';
import { userIdentityColumns } from '../users/userColumns';
import { admitAttempt, takeBackAttempt } from './admitAttempt';
import { type OpenedSession, openSession } from './openSession';
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
  const refuseStatus = async (status: UserStatus): Promise<never> => {
    await auditFailure(ctx, input.email, `status_${status}`, user.id);
    throw new DomainError(status === 'deactivated' ? 'account_deactivated' : 'account_not_active');
  };
  if (user.status !== 'active') return refuseStatus(user.status);
  type Opening = { kind: 'refused'; status: UserStatus } | { kind: 'opened'; opened: OpenedSession };
  const session = await ctx.db.transaction(async (tx): Promise<Opening> => {
    // The user as they are now, their row locked as the update of its last sign-in below locks it
    // (taken first, so two sign-ins of one user wait for each other instead of deadlocking): a
    // deactivation that committed while the password was checked is seen here, and one still running
    // waits for this session to commit, then revokes it with the others. Read before the password
    // check only, a deactivation in between left this session open (working again once reactivated).
    const [current] = await tx
      .select({ status: users.status })
      .from(users)
      .where(eq(users.id, user.id))
      .for('no key update');
    if (current?.status !== 'active') return { kind: 'refused', status: current?.status ?? 'deactivated' };
    const opened = await openSession(tx, ctx, user.id, now);
    await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
    // This attempt was counted as a failure before the check: taken back from the address, and the
    // e-mail's failures from this address are forgotten. In the order `admitAttempt` locks the rows
    // (sorted), or an attempt admitted meanwhile and this one would wait for each other.
    for (const key of [SIGN_IN_ANY_EMAIL, input.email].sort()) {
      if (key === SIGN_IN_ANY_EMAIL) await takeBackAttempt(tx, address, SIGN_IN_ANY_EMAIL);
      else
        await tx
          .delete(signInThrottle)
          .where(and(eq(signInThrottle.address, address), eq(signInThrottle.email, key)));
    }
    await tx.insert(auditEvents).values({
      at: now,
      actorId: user.id,
      userId: user.id,
      action: 'auth.sign_in',
      meta: { ip: ctx.request.ip, userAgent: ctx.request.userAgent ?? null },
    });
    return { kind: 'opened', opened };
  });
  if (session.kind === 'refused') return refuseStatus(session.status);
  ctx.cookie.set(session.opened.token, session.opened.expiresAt);
  return signedInUser(user);
}
