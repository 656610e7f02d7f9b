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

/** Password rules for people who choose their own: length over composition (NIST SP 800-63B). */
export const PASSWORD_RULES = { minLength: 12, maxLength: 128 } as const;

export type PasswordProblem = 'too_short' | 'too_long' | 'repetitive' | 'contains_personal_data';

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Use at least ${PASSWORD_RULES.minLength} characters.`,
  too_long: `Use at most ${PASSWORD_RULES.maxLength} characters.`,
  repetitive: 'Use more than one or two different characters.',
  contains_personal_data: 'Do not use your name or e-mail address in your password.',
};

/** Every rule the password breaks, in the order the form lists them; empty when it is fine. */
export function passwordProblems(
  password: string,
  person: { email: string; firstName?: string; lastName?: string },
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < PASSWORD_RULES.minLength) problems.push('too_short');
  if (length > PASSWORD_RULES.maxLength) problems.push('too_long');
  if (length > 0 && new Set(password.toLowerCase()).size <= 2) problems.push('repetitive');
  const lower = password.toLowerCase();
  const personal = [person.email.split('@')[0] ?? '', person.firstName ?? '', person.lastName ?? '']
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length >= 3);
  if (personal.some((part) => lower.includes(part))) problems.push('contains_personal_data');
  return problems;
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
