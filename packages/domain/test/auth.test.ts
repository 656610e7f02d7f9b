import { describe, expect, it } from 'vitest';
import {
  accessAtLeast,
  emailSchema,
  freeSignInFailures,
  INVITATION_ACCEPT_KEY,
  isAdministrator,
  normalizeEmail,
  recordSignInFailure,
  retryAfterSeconds,
  SIGN_IN_ANY_EMAIL,
  SIGN_IN_THROTTLE,
  signInInputSchema,
  signInRetryAfterMs,
  signInThrottleAddress,
  type ThrottleState,
  tooManyAttemptsMessage,
} from '../src';

const t0 = new Date('2026-01-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('e-mails', () => {
  it.each([
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['bob@example.com', 'bob@example.com'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    ['not-an-email', false],
    ['', false],
    [`${'a'.repeat(250)}@x.io`, false],
    ['  Rita@Example.com', true],
  ])('sign-in accepts %j: %s', (email, ok) => {
    expect(signInInputSchema.safeParse({ email, password: 'x' }).success).toBe(ok);
  });

  it('refuses an empty or oversized password', () => {
    expect(signInInputSchema.safeParse({ email: 'a@b.co', password: '' }).success).toBe(false);
    expect(signInInputSchema.safeParse({ email: 'a@b.co', password: 'x'.repeat(201) }).success).toBe(false);
  });
});

describe('sign-in throttling', () => {
  const { accountFreeFailures, addressFreeFailures, maxDelayMs, forgetAfterMs } = SIGN_IN_THROTTLE;
  const after = (failures: number, lastFailureAt = t0): ThrottleState => ({ failures, lastFailureAt });

  it.each([
    ['no failures', undefined, accountFreeFailures, 0, 0],
    ['the free failures', after(accountFreeFailures - 1), accountFreeFailures, 0, 0],
    ['the first failure beyond the free ones', after(accountFreeFailures), accountFreeFailures, 0, 1_000],
    ['… half a second later', after(accountFreeFailures), accountFreeFailures, 500, 500],
    ['the second beyond', after(accountFreeFailures + 1), accountFreeFailures, 0, 2_000],
    ['the fourth beyond', after(accountFreeFailures + 3), accountFreeFailures, 0, 8_000],
    ['many beyond: capped', after(accountFreeFailures + 40), accountFreeFailures, 0, maxDelayMs],
    ['the wait has passed', after(accountFreeFailures + 3), accountFreeFailures, 8_000, 0],
    ['an address below its free failures', after(accountFreeFailures + 3), addressFreeFailures, 0, 0],
    ['an address beyond them', after(addressFreeFailures), addressFreeFailures, 0, 1_000],
    ['failures forgotten after the quiet period', after(1_000), accountFreeFailures, forgetAfterMs, 0],
  ])('%s: waits as many ms as expected', (_, state, free, elapsed, expected) => {
    expect(signInRetryAfterMs(state, free, at(elapsed))).toBe(expected);
  });

  it('counts a failure, and starts over once failures are forgotten', () => {
    expect(recordSignInFailure(undefined, t0)).toEqual(after(1, t0));
    expect(recordSignInFailure(after(3), at(10))).toEqual(after(4, at(10)));
    expect(recordSignInFailure(after(30), at(forgetAfterMs))).toEqual(after(1, at(forgetAfterMs)));
  });

  it('an address counts for every e-mail with more free failures than one e-mail', () => {
    expect(freeSignInFailures(SIGN_IN_ANY_EMAIL)).toBe(addressFreeFailures);
    expect(freeSignInFailures('someone@roster.test')).toBe(accountFreeFailures);
    expect(addressFreeFailures).toBeGreaterThan(accountFreeFailures);
  });

  it('invitation acceptances count on a row of their own per address, never an e-mail’s', () => {
    expect(freeSignInFailures(INVITATION_ACCEPT_KEY)).toBe(SIGN_IN_THROTTLE.invitationFreeFailures);
    expect(emailSchema.safeParse(INVITATION_ACCEPT_KEY).success).toBe(false);
    expect(tooManyAttemptsMessage(2_000, 'invitation')).toBe(
      'Too many refused invitation acceptances from this address. Try again in 2 seconds.',
    );
  });

  it.each([
    [1, 1],
    [1_000, 1],
    [1_001, 2],
    [maxDelayMs, 900],
  ])('Retry-After for a wait of %i ms is %i s', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });

  it.each([
    [1, 'Too many failed sign-ins from this address. Try again in 1 second.'],
    [1_500, 'Too many failed sign-ins from this address. Try again in 2 seconds.'],
    [60_000, 'Too many failed sign-ins from this address. Try again in 1 minute.'],
    [maxDelayMs, 'Too many failed sign-ins from this address. Try again in 15 minutes.'],
  ])('a wait of %i ms reads %j', (ms, sentence) => {
    expect(tooManyAttemptsMessage(ms)).toBe(sentence);
  });

  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2::5', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('counts %s under %s', (ip, expected) => {
    expect(signInThrottleAddress(ip)).toBe(expected);
  });
});

describe('administrators', () => {
  it.each([
    ['active', true, true],
    ['active', false, false],
    ['deactivated', true, false],
    ['invited', true, false],
    ['created', true, false],
  ])('a %s user whose role is admin=%s is an administrator: %s', (status, roleIsAdmin, expected) => {
    expect(isAdministrator({ status, roleIsAdmin })).toBe(expected);
  });
});

describe('module access levels', () => {
  it.each([
    ['edit', 'read', true],
    ['edit', 'edit', true],
    ['read', 'read', true],
    ['read', 'edit', false],
    ['none', 'read', false],
    ['none', 'none', true],
  ] as const)('%s is at least %s: %s', (level, minimum, expected) => {
    expect(accessAtLeast(level, minimum)).toBe(expected);
  });
});
