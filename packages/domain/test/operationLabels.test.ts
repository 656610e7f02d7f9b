import { describe, expect, it } from 'vitest';
import {
  BULK_OPERATION_STATUSES,
  type BulkOperationStatus,
  type BulkOperationTone,
  bulkItemNoun,
  bulkOperationTone,
} from '../src';

describe('how an operation’s status reads', () => {
  it.each<[BulkOperationStatus, { blocked: number; failed: number }, BulkOperationTone]>([
    ['succeeded', { blocked: 0, failed: 0 }, 'success'],
    ['completed_with_skips', { blocked: 0, failed: 0 }, 'success'],
    ['completed_with_skips', { blocked: 1, failed: 0 }, 'warning'],
    ['completed_with_skips', { blocked: 0, failed: 2 }, 'warning'],
    ['failed', { blocked: 0, failed: 3 }, 'danger'],
    ['cancelled', { blocked: 0, failed: 0 }, 'warning'],
    ['running', { blocked: 5, failed: 0 }, 'progress'],
    ['queued', { blocked: 0, failed: 0 }, 'neutral'],
    ['receiving', { blocked: 0, failed: 0 }, 'neutral'],
  ])('%s with %j: %s', (status, counts, tone) => {
    expect(bulkOperationTone(status, counts)).toBe(tone);
  });

  it('every status has a tone', () => {
    for (const status of BULK_OPERATION_STATUSES)
      expect(bulkOperationTone(status, { blocked: 0, failed: 0 })).toMatch(/./);
  });

  it('an import counts rows, any other operation users', () => {
    expect([bulkItemNoun('import', 1), bulkItemNoun('import', 7)]).toEqual(['row', 'rows']);
    expect([bulkItemNoun('revert', 1), bulkItemNoun('assign_role', 3)]).toEqual(['user', 'users']);
  });
});
