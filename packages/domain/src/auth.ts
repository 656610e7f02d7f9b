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

/**
 * Sign-in throttling. Failures are counted per (client address, e-mail) and per client address for
 * every e-mail; past a number of free failures, each further attempt from there waits twice as long
 * as the one before (capped), and failures are forgotten after a quiet period. Nothing is counted per
 * e-mail alone: a stranger's wrong passwords slow the stranger, never the owner at their own address.
 */
export const SIGN_IN_THROTTLE = {
  /** Failures free of any wait for one e-mail from one address. */
  accountFreeFailures: 5,
  /** Failures free of any wait from one address, whatever the e-mails (several people behind one NAT). */
  addressFreeFailures: 20,
  /** Refused invitation acceptances free of any wait from one address (a dead link, a weak password). */
  invitationFreeFailures: 10,
  /** The wait after the first failure beyond the free ones; it doubles with each further failure. */
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  /** Failures are forgotten when none happened for this long. */
  forgetAfterMs: 60 * 60_000,
} as const;

/** The `email` of the throttle row that counts an address's failures for every e-mail (not an e-mail). */
export const SIGN_IN_ANY_EMAIL = '*';

/**
 * The `email` of the throttle row that counts an address's refused invitation acceptances (not an
 * e-mail: it has no `@`). Accepting is anonymous and costs a password hash, so it is throttled per
 * client address like a sign-in, on a count of its own.
 */
export const INVITATION_ACCEPT_KEY = 'invitation.accept';

export type ThrottleState = { failures: number; lastFailureAt: Date };

/** The free failures of a throttle row: its e-mail's, an address's for every e-mail, or for invitations. */
export function freeSignInFailures(email: string): number {
  if (email === SIGN_IN_ANY_EMAIL) return SIGN_IN_THROTTLE.addressFreeFailures;
  if (email === INVITATION_ACCEPT_KEY) return SIGN_IN_THROTTLE.invitationFreeFailures;
  return SIGN_IN_THROTTLE.accountFreeFailures;
}

function forgotten(state: ThrottleState, now: Date): boolean {
  return now.getTime() - state.lastFailureAt.getTime() >= SIGN_IN_THROTTLE.forgetAfterMs;
}

/**
 * How long another sign-in attempt must wait at `now` (0: it may be checked now), after `state`'s
 * failures of which `free` cost no wait: 1 s after the first one beyond, doubling, at most 15 minutes.
 */
export function signInRetryAfterMs(state: ThrottleState | undefined, free: number, now: Date): number {
  if (!state || forgotten(state, now) || state.failures < free) return 0;
  const delay = Math.min(
    SIGN_IN_THROTTLE.maxDelayMs,
    SIGN_IN_THROTTLE.baseDelayMs * 2 ** Math.min(state.failures - free, 30),
  );
  return Math.max(0, state.lastFailureAt.getTime() + delay - now.getTime());
}

/** The throttle state after one more failure at `now` (failures forgotten by then start over). */
export function recordSignInFailure(state: ThrottleState | undefined, now: Date): ThrottleState {
  if (!state || forgotten(state, now)) return { failures: 1, lastFailureAt: now };
  return { failures: state.failures + 1, lastFailureAt: now };
}

/** A wait as `Retry-After` gives it: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

const THROTTLED_ATTEMPTS = {
  sign_in: 'failed sign-ins',
  invitation: 'refused invitation acceptances',
} as const;

/** The sentence of a throttled attempt, with the wait rounded up to a second or a minute. */
export function tooManyAttemptsMessage(
  retryAfterMs: number,
  attempts: keyof typeof THROTTLED_ATTEMPTS = 'sign_in',
): string {
  const seconds = retryAfterSeconds(retryAfterMs);
  const wait =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? '' : 's'}`
      : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? '' : 's'}`;
  return `Too many ${THROTTLED_ATTEMPTS[attempts]} from this address. Try again in ${wait}.`;
}

/**
 * The address sign-in failures are counted under: an IPv4 address as it is (also when written as
 * an IPv4-mapped IPv6 address), an IPv6 address by its /64 network, which one host usually holds whole.
 */
export function signInThrottleAddress(ip: string): string {
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]?.split('::') ?? [];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * What an API token may reach: `api` the typed API (`/trpc`) as its administrator, `scim` only the
 * SCIM 2.0 provisioning endpoints (`/scim/v2`), which an identity provider calls. Neither reaches the
 * other's endpoints.
 */
export const API_TOKEN_SCOPES = ['api', 'scim'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export const apiTokenCreateSchema = z.object({
  name: storable(
    z.string().trim().min(1, 'Give the token a name.').max(100, 'A token name has at most 100 characters.'),
  ),
  expiresInDays: z.number().int().min(1).max(366).optional(),
  scope: z.enum(API_TOKEN_SCOPES).default('api'),
});
export type ApiTokenCreateInput = z.infer<typeof apiTokenCreateSchema>;

/** An administrator is an active user whose role is the Administrator role (SPEC §1). */
export function isAdministrator(user: { status: string; roleIsAdmin: boolean }): boolean {
  return user.status === 'active' && user.roleIsAdmin;
}
