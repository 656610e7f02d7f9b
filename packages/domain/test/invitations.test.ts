import { describe, expect, it } from 'vitest';
import {
  type InvitationStatus,
  invitationAcceptInputSchema,
  invitationRefusal,
  isWellFormedInvitationToken,
  PASSWORD_PROBLEM_MESSAGES,
  passwordProblems,
  type UserStatus,
} from '../src';

const now = new Date('2026-11-25T12:00:00Z');
const later = new Date('2026-11-26T12:00:00Z');
const earlier = new Date('2026-11-24T12:00:00Z');

describe('invitationRefusal', () => {
  it.each<[InvitationStatus, Date, string | null]>([
    ['pending', later, null],
    ['pending', now, 'invitation_expired'],
    ['pending', earlier, 'invitation_expired'],
    ['accepted', later, 'invitation_used'],
    ['accepted', earlier, 'invitation_used'],
    ['cancelled', later, 'invitation_cancelled'],
    ['superseded', later, 'invitation_superseded'],
    ['superseded', earlier, 'invitation_superseded'],
  ])('a %s invitation expiring %s is refused with %s', (status, expiresAt, refusal) => {
    expect(invitationRefusal({ status, expiresAt, userStatus: 'invited' }, now)).toBe(refusal);
  });

  it.each<[UserStatus, string | null]>([
    ['invited', null],
    ['active', 'invitation_used'],
    ['deactivated', 'invitation_cancelled'],
    ['created', 'invitation_cancelled'],
  ])('a pending invitation of a %s user is refused with %s', (userStatus, refusal) => {
    expect(invitationRefusal({ status: 'pending', expiresAt: later, userStatus }, now)).toBe(refusal);
  });
});

describe('isWellFormedInvitationToken', () => {
  it('accepts 43 base64url characters and nothing else', () => {
    expect(isWellFormedInvitationToken('a'.repeat(43))).toBe(true);
    expect(isWellFormedInvitationToken(`${'A0_-'.repeat(10)}xyz`)).toBe(true);
    expect(isWellFormedInvitationToken('a'.repeat(42))).toBe(false);
    expect(isWellFormedInvitationToken('a'.repeat(44))).toBe(false);
    expect(isWellFormedInvitationToken(`${'a'.repeat(42)}=`)).toBe(false);
    expect(isWellFormedInvitationToken('')).toBe(false);
  });
});

describe('passwordProblems', () => {
  const person = { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' };
  it.each<[string, string[]]>([
    ['correct horse battery', []],
    ['short', ['too_short']],
    ['elevenchars', ['too_short']],
    ['twelve chars', []],
    ['aaaaaaaaaaaaaaaa', ['repetitive']],
    ['abababababababab', ['repetitive']],
    ['x'.repeat(129), ['too_long', 'repetitive']],
    ['my jane.doe password', ['contains_personal_data']],
    ['JANE is my password', ['contains_personal_data']],
    ['', ['too_short']],
  ])('%j → %j', (password, problems) => {
    expect(passwordProblems(password, person)).toEqual(problems);
  });

  it('ignores name parts too short to matter', () => {
    expect(
      passwordProblems('bolt and lightning', { email: 'al@x.io', firstName: 'Al', lastName: 'Li' }),
    ).toEqual([]);
  });

  it('has a sentence for every problem', () => {
    for (const message of Object.values(PASSWORD_PROBLEM_MESSAGES)) expect(message).toMatch(/\.$/);
  });
});

describe('invitationAcceptInputSchema', () => {
  it('trims names and refuses empty ones with a sentence', () => {
    const ok = invitationAcceptInputSchema.parse({
      token: 't',
      firstName: '  Jane ',
      lastName: 'Doe',
      password: 'pw',
    });
    expect(ok.firstName).toBe('Jane');
    const bad = invitationAcceptInputSchema.safeParse({
      token: 't',
      firstName: ' ',
      lastName: '',
      password: '',
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.message)).toEqual([
      'Enter your first name.',
      'Enter your last name.',
    ]);
  });
});
