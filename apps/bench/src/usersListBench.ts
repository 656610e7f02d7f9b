import type { RosterClient, RouterInputs } from '@roster/client';
import type { Db } from '@roster/db';
import { roles } from '@roster/db';
import { inArray } from 'drizzle-orm';
import { percentile, timeMs } from './stats';

type ListInput = RouterInputs['users']['list'];

export type ListResult = {
  name: string;
  /** The exact number of matching users, as `users.count` gives it. */
  total: number;
  p50: number;
  p95: number;
  /** The exact count beside the page (`users.count`), as the web app asks for it. */
  countP50: number;
  countP95: number;
  runs: number;
};

/**
 * Times a view as the web app loads it: the page (`users.list` with `count: false`) and, beside it,
 * its exact count (`users.count`), each `warmup` times first (past Postgres' switch to generic
 * plans), then `runs` more, the two interleaved.
 */
async function measure(
  client: RosterClient,
  name: string,
  input: ListInput,
  runs: number,
): Promise<ListResult> {
  const warmup = 8;
  let total = 0;
  const pages: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const page = await timeMs(() => client.users.list.query({ ...input, count: false }));
    const counted = await timeMs(() => client.users.count.query({ filter: input.filter }));
    total = counted.result.total;
    if (i >= warmup) {
      pages.push(page.ms);
      counts.push(counted.ms);
    }
  }
  return {
    name,
    total,
    p50: percentile(pages, 50),
    p95: percentile(pages, 95),
    countP50: percentile(counts, 50),
    countP95: percentile(counts, 95),
    runs,
  };
}

/** `users.list` through the real server at the benchmark's size (issue 3). */
export async function benchUsersList(client: RosterClient, db: Db, runs = 30): Promise<ListResult[]> {
  const contributor = await db
    .select({ id: roles.id })
    .from(roles)
    .where(inArray(roles.name, ['Contributor']));
  const roleIds = contributor.map((r) => r.id);
  // One seeded user's whole e-mail address: a search with exactly one match.
  const rareEmail = (
    await client.users.list.query({ sort: { field: 'created', direction: 'asc' }, limit: 1 })
  ).items[0]?.email;
  if (!rareEmail) throw new Error('No users to search for');

  const results: ListResult[] = [];
  const cases: [string, ListInput][] = [
    ['no filter, sorted by name', { sort: { field: 'name', direction: 'asc' }, limit: 50 }],
    ['status = invited', { filter: { status: ['invited'] }, limit: 50 }],
    [
      'role Contributor + module budget ≥ edit',
      { filter: { roleIds, module: { module: 'budget', minLevel: 'edit' } }, limit: 50 },
    ],
    ['search a common substring spread over many names ("son")', { filter: { search: 'son' }, limit: 50 }],
    [
      'search a common substring clustered in a few names ("mart")',
      { filter: { search: 'mart' }, limit: 50 },
    ],
    ['search a first name ("emma")', { filter: { search: 'emma' }, limit: 50 }],
    [`search a rare e-mail ("${rareEmail}")`, { filter: { search: rareEmail }, limit: 50 }],
    ['sort by e-mail, descending', { sort: { field: 'email', direction: 'desc' }, limit: 50 }],
  ];
  for (const [name, input] of cases) {
    results.push(await measure(client, name, input, runs));
    console.log(
      `  ${name}: page p50 ${results.at(-1)?.p50.toFixed(1)} ms, p95 ${results.at(-1)?.p95.toFixed(1)} ms; count p50 ${results.at(-1)?.countP50.toFixed(1)} ms, p95 ${results.at(-1)?.countP95.toFixed(1)} ms`,
    );
  }

  // The 500th page: walk there once by cursor, then time fetching it.
  let cursor: string | undefined;
  for (let page = 1; page < 500; page++) {
    const result = await client.users.list.query({ limit: 50, cursor });
    cursor = result.nextCursor ?? undefined;
  }
  results.push(await measure(client, '500th page by cursor (name sort)', { limit: 50, cursor }, runs));
  console.log(
    `  500th page: p50 ${results.at(-1)?.p50.toFixed(1)} ms, p95 ${results.at(-1)?.p95.toFixed(1)} ms`,
  );
  return results;
}
