import { createImportRowValidator, type ImportRow } from '@roster/domain';
import { describe, expect, it } from 'vitest';
import {
  chunksOf,
  countVerdicts,
  type ImportVerdict,
  mapConcurrently,
  mergeVerdicts,
  rowsToCheck,
} from '../src/imports/importVerdicts';

const row = (line: number, email: string, copyAccessFrom = ''): ImportRow => ({
  line,
  email,
  firstName: '',
  lastName: '',
  role: '',
  copyAccessFrom,
});

describe('mergeVerdicts', () => {
  const validate = createImportRowValidator();
  const rows = [
    row(2, 'a@x.test'),
    row(3, 'a@x.test'),
    row(4, 'b@x.test', 'a@x.test'),
    row(5, 'c@x.test', 'ghost@x.test'),
    row(6, 'broken'),
  ];
  const results = rows.map(validate);

  it('asks the server only about rows the file would create', () => {
    expect(rowsToCheck(rows, results).map((r) => r.line)).toEqual([2, 4, 5]);
  });

  it("keeps the browser's verdicts, takes the server's, and names sources created by the same file", () => {
    const server = new Map<number, ImportVerdict>([
      [2, { line: 2, outcome: 'skip', reason: 'already_exists', detail: null }],
      [4, { line: 4, outcome: 'error', reason: 'unknown_source_user', detail: 'a@x.test' }],
      [5, { line: 5, outcome: 'error', reason: 'unknown_source_user', detail: 'ghost@x.test' }],
    ]);
    const merged = mergeVerdicts(results, server);
    expect(merged.map((v) => [v.line, v.outcome, v.reason])).toEqual([
      [2, 'skip', 'already_exists'],
      [3, 'skip', 'duplicate_in_file'],
      [4, 'error', 'source_is_new'],
      [5, 'error', 'unknown_source_user'],
      [6, 'error', 'invalid_email'],
    ]);
    expect(countVerdicts(merged)).toEqual({ create: 0, skip: 2, error: 3 });
  });
});

describe('chunksOf', () => {
  it('slices in order without losing any item', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([], 3)).toEqual([]);
  });
});

describe('mapConcurrently', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([30, 10, 20, 5, 1], 2, async (ms, index) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return `${index}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:10', '2:20', '3:5', '4:1']);
    expect(most).toBe(2);
  });
});
