import {
  createImportRowValidator,
  IMPORT_CHUNK_MAX_BYTES,
  IMPORT_CHUNK_ROWS,
  IMPORT_LIMITS,
  type ImportPreviewInput,
  type ImportRow,
} from '@roster/domain';
import { describe, expect, it } from 'vitest';
import {
  chunksOf,
  countVerdicts,
  type ImportVerdict,
  mapConcurrently,
  mergeVerdicts,
} from '../src/imports/importVerdicts';
import { previewImportFile } from '../src/imports/previewImportFile';

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

describe('previewImportFile', () => {
  it('sends every row in chunks under the import id, and a row the server does not list is a creation', async () => {
    const validate = createImportRowValidator();
    const rows = Array.from({ length: 12_000 }, (_, i) => row(i + 2, i === 3 ? 'broken' : `u${i}@x.test`));
    const results = rows.map(validate);
    const sent: ImportPreviewInput[] = [];
    const progress: [number, number][] = [];
    const client = {
      imports: {
        preview: {
          mutate: async (input: ImportPreviewInput) => {
            sent.push(input);
            // The server lists only the rows it will not simply create.
            const taken = input.rows.filter((r) => r.email === 'u7@x.test');
            return {
              rows: taken.map((r) => ({
                line: r.line,
                outcome: 'skip' as const,
                reason: 'already_exists' as const,
                detail: null,
              })),
            };
          },
        },
      },
    };
    const file = { fileSha256: 'a'.repeat(64), fileName: 'people.csv', totalRows: rows.length };
    const verdicts = await previewImportFile(
      client,
      { operationId: 'op-1', file, rows, results },
      (done, total) => progress.push([done, total]),
    );
    expect(sent.map((s) => s.rows.length)).toEqual([5_000, 5_000, 2_000]);
    expect(new Set(sent.map((s) => s.operationId))).toEqual(new Set(['op-1']));
    expect(sent.every((s) => s.file === file)).toBe(true);
    // The rows the file's rules refuse are sent too: the server keeps every row for the commit.
    expect(sent.flatMap((s) => s.rows).map((r) => r.line)).toEqual(rows.map((r) => r.line));
    expect(progress.at(0)).toEqual([0, 3]);
    expect(progress.at(-1)).toEqual([3, 3]);
    expect(countVerdicts(verdicts)).toEqual({ create: 11_998, skip: 1, error: 1 });
    expect(verdicts[3]).toMatchObject({ outcome: 'error', reason: 'invalid_email' });
    expect(verdicts[7]).toMatchObject({ outcome: 'skip', reason: 'already_exists' });
  });
});

describe('chunksOf', () => {
  it('slices in order without losing any item', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([], 3)).toEqual([]);
  });

  it('closes a slice before it would weigh more than the most, and sends an item heavier than that alone', () => {
    const weigh = (n: number) => n;
    expect(chunksOf([4, 4, 4, 1, 9, 2], 10, weigh, 8)).toEqual([[4, 4], [4, 1], [9], [2]]);
    expect(chunksOf([1, 1, 1, 1, 1], 2, weigh, 100)).toEqual([[1, 1], [1, 1], [1]]);
  });
});

describe('previewImportFile with heavy rows', () => {
  it('sends rows of the longest cells in a wide script in chunks whose JSON stays under the byte budget', async () => {
    const { maxCellLength: max } = IMPORT_LIMITS;
    // Every cell at its transport length, in characters of three UTF-8 bytes, control characters and quotes.
    const cell = (n: number) => '漢"\u0001'.repeat(Math.ceil(n / 4)).slice(0, n + 1);
    const rows = Array.from({ length: IMPORT_CHUNK_ROWS }, (_, i) => ({
      line: i + 2,
      email: `${cell(max.email - 12)}${i}@x.test`.slice(0, max.email + 1),
      firstName: cell(max.first_name),
      lastName: cell(max.last_name),
      role: cell(max.role),
      copyAccessFrom: cell(max.copy_access_from),
    }));
    const sizes: number[] = [];
    const client = {
      imports: {
        preview: {
          mutate: async (input: ImportPreviewInput) => {
            sizes.push(Buffer.byteLength(JSON.stringify(input.rows)));
            return { rows: [] };
          },
        },
      },
    };
    const file = { fileSha256: 'a'.repeat(64), totalRows: rows.length };
    const results = rows.map(createImportRowValidator());
    await previewImportFile(client, { operationId: 'op-2', file, rows, results });
    // One chunk of 5,000 such rows would weigh about 20 MB; each sent weighs at most the budget.
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(IMPORT_CHUNK_MAX_BYTES);
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
