import { auditEvents, invitations, roles, users } from '@roster/db';
import {
  DomainError,
  INVITATION_ACCEPT_KEY,
  type InvitationAcceptInput,
  PASSWORD_PROBLEM_MESSAGES,
  passwordProblems,
  signInThrottleAddress,
  tooManyAttemptsMessage,
} from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { admitAttempt, takeBackAttempt } from '../auth/admitAttempt';
import { openSession } from '../auth/openSession';
import { hashPassword } from '../auth/secrets';
import { type SignedInUser, signedInUser } from '../auth/signIn';
import type { Context } from '../context';
import { findAcceptableInvitation } from './findInvitation';

/**
 * Accepting an invitation: the invitee chooses a name and password, becomes `active`, the
 * invitation becomes `accepted` and the invitee is signed in, all in one transaction on the locked
 * invitation and user; a link that cannot be accepted changes nothing. Attempts are throttled per
 * client address as sign-ins are: past a few refused ones, the next wait (429 with Retry-After).
 */
export async function acceptInvitation(ctx: Context, input: InvitationAcceptInput): Promise<SignedInUser> {
  const now = ctx.now();
  const address = signInThrottleAddress(ctx.request.ip);
  const wait = await admitAttempt(ctx.db, address, [INVITATION_ACCEPT_KEY], now);
  if (wait > 0) {
    throw new DomainError('too_many_attempts', tooManyAttemptsMessage(wait, 'invitation'), {
      retryAfterMs: wait,
    });
  }
  // Checked before the slow password hash, so a dead link answers at once.
  const preview = await findAcceptableInvitation(ctx.db, input.token, now);
  const problems = passwordProblems(input.password, {
    email: preview.invitee.email,
    firstName: input.firstName,
    lastName: input.lastName,
  });
  if (problems.length) {
    throw new DomainError('weak_password', problems.map((p) => PASSWORD_PROBLEM_MESSAGES[p]).join(' '));
  }
  const passwordHash = await hashPassword(input.password);
  const { user, session } = await ctx.db.transaction(async (tx) => {
    const invitation = await findAcceptableInvitation(tx, input.token, now, { lock: true });
    const userId = invitation.invitee.id;
    const [user] = await tx
      .update(users)
      .set({
        firstName: input.firstName,
        lastName: input.lastName,
        passwordHash,
        status: 'active',
        activatedAt: now,
        lastLoginAt: now,
        updatedAt: now,
        version: sql`${users.version} + 1`,
      })
      .where(eq(users.id, userId))
      .returning({ id: users.id, email: users.email, roleId: users.roleId });
    if (!user) throw new Error('The invited user vanished under its lock');
    await tx
      .update(invitations)
      .set({ status: 'accepted', acceptedAt: now })
      .where(eq(invitations.id, invitation.id));
    // The audit keeps the fields that changed; the password is never in it.
    const before: Record<string, string> = { status: 'invited' };
    const after: Record<string, string> = { status: 'active' };
    for (const field of ['firstName', 'lastName'] as const) {
      if (invitation.invitee[field] !== input[field]) {
        before[field] = invitation.invitee[field];
        after[field] = input[field];
      }
    }
    await tx.insert(auditEvents).values([
      {
        at: now,
        actorId: userId,
        userId,
        action: 'invitation.accepted',
        before,
        after,
        meta: { invitationId: invitation.id, ip: ctx.request.ip },
      },
      {
        at: now,
        actorId: userId,
        userId,
        action: 'auth.sign_in',
        meta: { via: 'invitation', ip: ctx.request.ip, userAgent: ctx.request.userAgent ?? null },
      },
    ]);
    const [role] = await tx
      .select({ name: roles.name, isAdmin: roles.isAdmin })
      .from(roles)
      .where(eq(roles.id, user.roleId));
    if (!role) throw new Error('The invited user has no role');
    // This attempt was counted as refused before the link was checked: it was not.
    await takeBackAttempt(tx, address, INVITATION_ACCEPT_KEY);
    return { user: { ...user, role }, session: await openSession(tx, ctx, userId, now) };
  });
  ctx.cookie.set(session.token, session.expiresAt);
  return signedInUser({
    ...user,
    firstName: input.firstName,
    lastName: input.lastName,
    status: 'active',
    roleName: user.role.name,
    roleIsAdmin: user.role.isAdmin,
  });
}
