import { describe, expect, it } from 'vitest';
import {
  BULK_OPERATION_KINDS,
  COUNT_CONFIRMATION_THRESHOLD,
  countConfirmationLabel,
  countToConfirm,
  DomainError,
  locksPeopleOut,
  refuseUnconfirmedCount,
} from '../src';

describe('the typed count of an operation that locks many people out', () => {
  it('only Deactivate locks people out', () => {
    expect(BULK_OPERATION_KINDS.filter(locksPeopleOut)).toEqual(['deactivate']);
  });

  it.each([
    { kind: 'deactivate', selected: 99, expected: null },
    { kind: 'deactivate', selected: 100, expected: 100 },
    { kind: 'deactivate', selected: 40_000, expected: 40_000 },
    { kind: 'reactivate', selected: 40_000, expected: null },
    { kind: 'assign_role', selected: 40_000, expected: null },
    { kind: 'cancel_invitation', selected: 40_000, expected: null },
    { kind: 'revert', selected: 40_000, expected: null },
    { kind: 'import', selected: 40_000, expected: null },
  ] as const)('$kind over $selected users: type $expected', ({ kind, selected, expected }) => {
    expect(countToConfirm(kind, selected)).toBe(expected);
  });

  it('refuses without the number, or with another one; passes with it', () => {
    const n = COUNT_CONFIRMATION_THRESHOLD + 23;
    for (const typed of [undefined, 0, n - 1, n + 1]) {
      expect(() => refuseUnconfirmedCount('deactivate', n, typed)).toThrow(
        expect.objectContaining({ code: 'count_confirmation_required' }),
      );
    }
    expect(() => refuseUnconfirmedCount('deactivate', n, n)).not.toThrow();
    expect(() => refuseUnconfirmedCount('deactivate', n - 23 - 1, undefined)).not.toThrow();
    expect(() => refuseUnconfirmedCount('reactivate', n, undefined)).not.toThrow();
    try {
      refuseUnconfirmedCount('deactivate', 1_234, undefined);
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(String(error)).toContain('1,234 users');
    }
  });

  it('names the number in the words of the operation', () => {
    expect(countConfirmationLabel('deactivate')).toBe('Number of users to deactivate');
  });
});
