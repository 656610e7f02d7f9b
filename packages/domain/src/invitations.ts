import { z } from 'zod';
import type { InvitationStatus, UserStatus } from './catalog';
import type { DomainErrorCode } from './errors';
import { storable } from './text';
import { isInvitationExpired } from './users';

/** An invitation token is 256 random bits in base64url: exactly 43 characters. */
export const INVITATION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedInvitationToken(token: string): boolean {
  return INVITATION_TOKEN_PATTERN.test(token);
}

/**
 * Why a link cannot be accepted, checked in this order: a used or replaced invitation says so even
 * after its expiry date, because that is what the invitee needs to know. Only an `invited` user can
 * accept: one who became active meanwhile has used it; any other status means it no longer stands.
 */
export function invitationRefusal(
  invitation: { status: InvitationStatus; expiresAt: Date; userStatus: UserStatus },
  now: Date,
): DomainErrorCode | null {
  if (invitation.status === 'pending' && invitation.userStatus !== 'invited') {
    return invitation.userStatus === 'active' ? 'invitation_used' : 'invitation_cancelled';
  }
  switch (invitation.status) {
    case 'accepted':
      return 'invitation_used';
    case 'cancelled':
      return 'invitation_cancelled';
    case 'superseded':
      return 'invitation_superseded';
    case 'pending':
      return isInvitationExpired(invitation.expiresAt, now) ? 'invitation_expired' : null;
  }
}

const tokenField = z.string().max(200, 'This invitation link is not valid.');

const nameField = (label: string) =>
  storable(
    z
      .string()
      .trim()
      .min(1, `Enter your ${label}.`)
      .max(100, `Your ${label} can have at most 100 characters.`),
  );

export const invitationInspectInputSchema = z.object({ token: tokenField });

export const invitationAcceptInputSchema = z.object({
  token: tokenField,
  firstName: nameField('first name'),
  lastName: nameField('last name'),
  password: z.string().max(1000, 'This password is too long.'),
});
export type InvitationAcceptInput = z.infer<typeof invitationAcceptInputSchema>;
