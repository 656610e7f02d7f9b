import { describe, expect, it } from 'vitest';
import {
  accessAtLeast,
  isAdministrator,
  isSignInLocked,
  normalizeEmail,
  recordSignInFailure,
  SIGN_IN_THROTTLE,
  signInInputSchema,
  type ThrottleState,
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
  it('locks after the maximum number of failures within the window, not before', () => {
    let state = recordSignInFailure(undefined, t0);
    for (let i = 1; i < SIGN_IN_THROTTLE.maxFailures - 1; i++)
      state = recordSignInFailure(state, at(i * 1000));
    expect(state.failures).toBe(SIGN_IN_THROTTLE.maxFailures - 1);
    expect(isSignInLocked(state, at(10_000))).toBe(false);
    state = recordSignInFailure(state, at(10_000));
    expect(isSignInLocked(state, at(10_001))).toBe(true);
  });

  it('unlocks when the window has passed, and a failure after it starts a new window', () => {
    let state: ThrottleState = { failures: SIGN_IN_THROTTLE.maxFailures, windowStartedAt: t0 };
    expect(isSignInLocked(state, at(SIGN_IN_THROTTLE.windowMs - 1))).toBe(true);
    expect(isSignInLocked(state, at(SIGN_IN_THROTTLE.windowMs))).toBe(false);
    state = recordSignInFailure(state, at(SIGN_IN_THROTTLE.windowMs));
    expect(state).toEqual({ failures: 1, windowStartedAt: at(SIGN_IN_THROTTLE.windowMs) });
  });

  it('never locks an e-mail without failures', () => {
    expect(isSignInLocked(undefined, t0)).toBe(false);
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
