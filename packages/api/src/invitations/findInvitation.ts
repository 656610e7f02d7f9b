import { type Db, invitations, users } from '@roster/db';
import { DomainError, invitationRefusal, isWellFormedInvitationToken } from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { hashToken } from '../auth/secrets';

const inviters = alias(users, 'inviter');

export type AcceptableInvitation = {
  id: string;
  expiresAt: Date;
  invitee: { id: string; email: string; firstName: string; lastName: string };
  inviterName: string | null;
};

/**
 * The invitation behind a link, if it can still be accepted; otherwise the refusal that says why.
 * The token is looked up by its hash only. With `lock`, the invitation and its user stay locked
 * until the caller's transaction ends, so two submissions of one link cannot both succeed.
 */
export async function findAcceptableInvitation(
  db: Db,
  token: string,
  now: Date,
  options: { lock?: boolean } = {},
): Promise<AcceptableInvitation> {
  if (!isWellFormedInvitationToken(token)) throw new DomainError('invitation_malformed');
  const query = db
    .select({
      id: invitations.id,
      status: invitations.status,
      expiresAt: invitations.expiresAt,
      userId: users.id,
      userStatus: users.status,
      email: users.email,
      firstName: users.firstName,
      lastName: users.lastName,
      inviterName: sql<string | null>`${inviters.firstName} || ' ' || ${inviters.lastName}`,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .leftJoin(inviters, eq(inviters.id, invitations.invitedBy))
    .where(eq(invitations.tokenHash, hashToken(token)));
  let [row] = await query;
  if (row && options.lock) {
    // The user's row first, then the invitation's: the order bulk operations lock them in, so an
    // acceptance and a resend, cancel or deactivate of the same user never deadlock.
    await db.select({ id: users.id }).from(users).where(eq(users.id, row.userId)).for('update');
    [row] = await query.for('update', { of: invitations });
  }
  if (!row) throw new DomainError('invitation_unknown');
  const refusal = invitationRefusal(row, now);
  if (refusal) throw new DomainError(refusal);
  return {
    id: row.id,
    expiresAt: row.expiresAt,
    invitee: { id: row.userId, email: row.email, firstName: row.firstName, lastName: row.lastName },
    inviterName: row.inviterName,
  };
}
