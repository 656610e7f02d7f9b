import { auditEvents, roles, signInThrottle, users } from '@roster/db';
import {
  DomainError,
  isAdministrator,
  isSignInLocked,
  recordSignInFailure,
  type SignInInput,
} from '@roster/domain';
import { eq } from 'drizzle-orm';
import type { Context } from '../context';
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

/**
 * Counts this attempt as a failure before the password is checked, under a row lock, so attempts
 * sent in parallel cannot outrun the limit; a successful sign-in then clears the count. Returns
 * false when the e-mail is locked.
 */
async function admitAttempt(ctx: Context, email: string, now: Date): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    await tx
      .insert(signInThrottle)
      .values({ email, failures: 0, windowStartedAt: now })
      .onConflictDoNothing();
    const [current] = await tx
      .select()
      .from(signInThrottle)
      .where(eq(signInThrottle.email, email))
      .for('update');
    const state = current && current.failures > 0 ? current : undefined;
    if (isSignInLocked(state, now)) return false;
    await tx
      .update(signInThrottle)
      .set(recordSignInFailure(state, now))
      .where(eq(signInThrottle.email, email));
    return true;
  });
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
 * same answer after the same work; repeated failures lock the e-mail for a while.
 */
export async function signIn(ctx: Context, input: SignInInput): Promise<SignedInUser> {
  const now = ctx.now();
  if (!(await admitAttempt(ctx, input.email, now))) {
    await ctx.db.insert(auditEvents).values({
      at: now,
      action: 'auth.sign_in_throttled',
      meta: { email: input.email, ip: ctx.request.ip },
    });
    throw new DomainError('too_many_attempts');
  }
  const [user] = await ctx.db
    .select({
      id: users.id,
      email: users.email,
      firstName: users.firstName,
      lastName: users.lastName,
      status: users.status,
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
    await tx.delete(signInThrottle).where(eq(signInThrottle.email, input.email));
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
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    roleName: user.roleName,
    isAdmin: isAdministrator(user),
  };
}
