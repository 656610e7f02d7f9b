import { z } from 'zod';
import { storable } from './text';

/** E-mails are compared case-insensitively: stored trimmed and lower-cased (SPEC §1). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailSchema = z
  .string()
  .trim()
  .max(254, 'An e-mail address has at most 254 characters.')
  .pipe(z.email('Enter a valid e-mail address.'))
  .transform(normalizeEmail);

export const signInInputSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Enter your password.').max(200, 'This password is too long.'),
});
export type SignInInput = z.infer<typeof signInInputSchema>;

/** Failed sign-ins allowed for one e-mail within the window before it is locked for the window. */
export const SIGN_IN_THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000 } as const;

export type ThrottleState = { failures: number; windowStartedAt: Date };

/** Whether another sign-in attempt for this e-mail may be checked at `now`. */
export function isSignInLocked(state: ThrottleState | undefined, now: Date): boolean {
  if (!state) return false;
  if (now.getTime() - state.windowStartedAt.getTime() >= SIGN_IN_THROTTLE.windowMs) return false;
  return state.failures >= SIGN_IN_THROTTLE.maxFailures;
}

/** The throttle state after one more failure at `now` (a window that has passed starts over). */
export function recordSignInFailure(state: ThrottleState | undefined, now: Date): ThrottleState {
  if (!state || now.getTime() - state.windowStartedAt.getTime() >= SIGN_IN_THROTTLE.windowMs) {
    return { failures: 1, windowStartedAt: now };
  }
  return { failures: state.failures + 1, windowStartedAt: state.windowStartedAt };
}

export const apiTokenCreateSchema = z.object({
  name: storable(
    z.string().trim().min(1, 'Give the token a name.').max(100, 'A token name has at most 100 characters.'),
  ),
  expiresInDays: z.number().int().min(1).max(366).optional(),
});
export type ApiTokenCreateInput = z.infer<typeof apiTokenCreateSchema>;

/** An administrator is an active user whose role is the Administrator role (SPEC §1). */
export function isAdministrator(user: { status: string; roleIsAdmin: boolean }): boolean {
  return user.status === 'active' && user.roleIsAdmin;
}
