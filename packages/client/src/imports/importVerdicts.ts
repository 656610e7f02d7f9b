import type { ImportOutcome, ImportReason, ImportRowResult } from '@roster/domain';

/** One row's verdict as the preview shows it: the file's rules, then the server's. */
export type ImportVerdict = {
  line: number;
  outcome: ImportOutcome;
  reason: ImportReason | null;
  detail: string | null;
  /** The server's word: this row creates a user with the Administrator role. */
  privileged?: boolean;
};

/**
 * The verdict on every row: the browser's for rows the file's rules already refuse, the server's for
 * the rest (the server lists only rows it will not simply create; any other is a `create`). A source
 * user the server does not know but this file creates is `source_is_new` (the server sees one chunk
 * at a time; it decides the same again as the import runs).
 */
export function mergeVerdicts(
  results: readonly ImportRowResult[],
  server: ReadonlyMap<number, ImportVerdict>,
): ImportVerdict[] {
  const created = new Set(results.filter((r) => r.outcome === 'create').map((r) => r.email));
  return results.map((row) => {
    const checked = row.outcome === 'create' ? server.get(row.line) : undefined;
    const verdict: ImportVerdict = checked ?? {
      line: row.line,
      outcome: row.outcome,
      reason: row.reason,
      detail: row.detail,
    };
    if (verdict.reason === 'unknown_source_user' && created.has(row.copyAccessFrom)) {
      return { ...verdict, reason: 'source_is_new' };
    }
    return verdict;
  });
}

export type VerdictCounts = Record<ImportOutcome, number>;

export function countVerdicts(verdicts: readonly ImportVerdict[]): VerdictCounts {
  const counts: VerdictCounts = { create: 0, skip: 0, error: 0 };
  for (const v of verdicts) counts[v.outcome]++;
  return counts;
}

/**
 * Consecutive slices of at most `size` items, each weighing at most `maxWeight` (an item heavier
 * than that travels alone).
 */
export function chunksOf<T>(
  items: readonly T[],
  size: number,
  weigh: (item: T) => number = () => 0,
  maxWeight = Number.POSITIVE_INFINITY,
): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let weight = 0;
  for (const item of items) {
    const w = weigh(item);
    if (chunk.length === size || (chunk.length > 0 && weight + w > maxWeight)) {
      chunks.push(chunk);
      chunk = [];
      weight = 0;
    }
    chunk.push(item);
    weight += w;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Rows that would create administrators: the commit needs their number confirmed. */
export function countPrivileged(verdicts: readonly ImportVerdict[]): number {
  return verdicts.filter((v) => v.outcome === 'create' && v.privileged === true).length;
}

/** Chunks of one import in flight at once: the next travels while the server works on one. */
export const IMPORT_CONCURRENCY = 2;

/**
 * Runs `task` on every item with at most `limit` running at once, and returns the results in item
 * order: chunks of an import travel while the server works on the previous ones.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item !== undefined) results[index] = await task(item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
