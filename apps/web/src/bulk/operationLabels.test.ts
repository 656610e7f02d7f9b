import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../lib/format';
import { itemNoun, itemNounTitle, operationReference } from './operationLabels';

describe('the words of operations', () => {
  it('names the operation a revert reverts by its kind, time and actor (its id until it is known)', () => {
    const createdAt = new Date('2026-12-02T14:05:00Z');
    const id = '0198f3a2-0000-7000-8000-000000000001';
    expect(operationReference(id, { kind: 'assign_role', createdAt, actor: { name: 'Ada Admin' } })).toBe(
      `Assign role of ${formatDateTime(createdAt)} by Ada Admin`,
    );
    expect(operationReference(id)).toBe(`operation ${id}`);
  });

  it('an import counts rows, any other operation users', () => {
    expect(`${itemNoun('import', 7)} · ${itemNounTitle('import', 7)}`).toBe('rows · Rows');
    expect(`${itemNoun('revert', 1)} · ${itemNounTitle('deactivate', 2)}`).toBe('user · Users');
  });
});
