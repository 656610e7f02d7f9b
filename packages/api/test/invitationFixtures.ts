import { randomUUID } from 'node:crypto';
import { type Db, emailOutbox, invitations, users } from '@roster/db';
import { desc, eq, inArray } from 'drizzle-orm';
import type { Caller } from './harness';

/** The invitation token in an e-mail's acceptance link. */
export function tokenFromText(text: string): string {
  const match = /\/invite\/([A-Za-z0-9_-]{43})/.exec(text);
  if (!match?.[1]) throw new Error(`No invitation link in: ${text}`);
  return match[1];
}

/** Invites users through the bulk operation an administrator applies; returns the operation. */
export async function inviteThroughBulk(admin: Caller, userIds: string[], message?: string) {
  const operation = await admin.bulk.execute({
    operationId: randomUUID(),
    operation: { kind: 'invite', ...(message ? { message } : {}) },
    selection: { ids: userIds },
  });
  if (operation.counts.change !== userIds.length) {
    throw new Error(`Expected ${userIds.length} invitations, got ${JSON.stringify(operation.counts)}`);
  }
  return operation;
}

/** The link token of the newest e-mail sent to a user. */
export async function latestToken(db: Db, userId: string): Promise<string> {
  const [mail] = await db
    .select({ text: emailOutbox.text })
    .from(emailOutbox)
    .innerJoin(invitations, eq(invitations.id, emailOutbox.invitationId))
    .where(eq(invitations.userId, userId))
    .orderBy(desc(emailOutbox.id))
    .limit(1);
  if (!mail) throw new Error(`No e-mail was queued for user ${userId}`);
  return tokenFromText(mail.text);
}

/** What acceptance may change: the users and their invitations, to compare before and after. */
export async function invitationState(db: Db, userIds: string[]) {
  const people = await db
    .select({
      id: users.id,
      status: users.status,
      firstName: users.firstName,
      passwordHash: users.passwordHash,
      version: users.version,
    })
    .from(users)
    .where(inArray(users.id, userIds))
    .orderBy(users.id);
  const links = await db
    .select({ id: invitations.id, status: invitations.status, acceptedAt: invitations.acceptedAt })
    .from(invitations)
    .where(inArray(invitations.userId, userIds))
    .orderBy(invitations.id);
  return { people, links };
}
