import type { RosterClient, RouterInputs } from '@roster/client';
import { type Db, orgUnits, roles } from '@roster/db';
import { USER_SORT_FIELDS, type UserSortField } from '@roster/domain';
import { eq } from 'drizzle-orm';
import { percentile, timeMs } from './stats';

type ListInput = RouterInputs['users']['list'];
type Filter = NonNullable<ListInput['filter']>;

export type MatrixCell = {
  view: string;
  sort: UserSortField;
  /** The exact number of users in the view (`users.count`). */
  total: number;
  first: { p50: number; p95: number };
  /** Page 200 by cursor (the 9,951st to 10,000th user); null when the view has fewer users. */
  page200: { p50: number; p95: number } | null;
};

export const MATRIX_PAGE = 50;
export const MATRIX_DEEP_PAGE = 200;
const WARMUP = 8;

/**
 * The views of the matrix (issue 18 item 2): no filter, a status, a role with a module, a scope with
 * its descendants, and ten search terms of different shapes.
 */
export async function matrixViews(client: RosterClient, db: Db): Promise<[string, Filter][]> {
  const [contributor] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, 'Contributor'));
  const [france] = await db
    .select({ id: orgUnits.id })
    .from(orgUnits)
    .where(eq(orgUnits.name, 'Acme France'));
  if (!contributor || !france) throw new Error('The bench tenant has no Contributor role or Acme France');
  // One seeded user's whole e-mail address, from the middle of the table: a search with one match.
  const middle = await client.users.list.query({
    sort: { field: 'created', direction: 'asc' },
    filter: { search: '.500000@' },
    limit: 1,
    count: false,
  });
  const rareEmail = middle.items[0]?.email;
  if (!rareEmail) throw new Error('No seeded user .500000@ to search for');
  return [
    ['no filter', {}],
    ['status active', { status: ['active'] }],
    [
      'role Contributor + budget ≥ edit',
      { roleIds: [contributor.id], module: { module: 'budget', minLevel: 'edit' } },
    ],
    ['scope Acme France + descendants', { orgUnitId: france.id, includeDescendants: true }],
    ['search "an" (2 letters)', { search: 'an' }],
    ['search "mart" (clustered last-name prefix)', { search: 'mart' }],
    ['search "emma" (first name)', { search: 'emma' }],
    ['search "42@" (e-mail infix with digits)', { search: '42@' }],
    ['search "globex" (domain)', { search: 'globex' }],
    ['search "zzqx" (no match)', { search: 'zzqx' }],
    [`search "${rareEmail}" (rare e-mail)`, { search: rareEmail }],
    ['search "son" + status deactivated', { search: 'son', status: ['deactivated'] }],
    ['search "son" (spread over many names)', { search: 'son' }],
    ['search "müller" (accented last name)', { search: 'müller' }],
  ];
}

async function timeCalls(client: RosterClient, input: ListInput, runs: number) {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const { ms } = await timeMs(() => client.users.list.query({ ...input, count: false }));
    if (i >= WARMUP) samples.push(ms);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/**
 * Every sort field (ascending) × every view, through the real server: the first page and page 200
 * reached by cursor, each called `runs` times after 8 warm-up calls (past PostgreSQL's switch to
 * generic plans). Pages are fetched as the web app fetches them (`count: false`).
 */
export async function benchUsersListMatrix(
  client: RosterClient,
  db: Db,
  runs: number,
  onCell: (cell: MatrixCell) => void = () => {},
): Promise<MatrixCell[]> {
  const views = await matrixViews(client, db);
  const cells: MatrixCell[] = [];
  for (const [view, filter] of views) {
    const { total } = await client.users.count.query({ filter });
    for (const field of USER_SORT_FIELDS) {
      const input: ListInput = { filter, sort: { field, direction: 'asc' }, limit: MATRIX_PAGE };
      const first = await timeCalls(client, input, runs);
      let page200: MatrixCell['page200'] = null;
      if (total >= MATRIX_PAGE * MATRIX_DEEP_PAGE) {
        let cursor: string | undefined;
        for (let page = 1; page < MATRIX_DEEP_PAGE; page++) {
          const result = await client.users.list.query({ ...input, cursor, count: false });
          cursor = result.nextCursor ?? undefined;
          if (!cursor) throw new Error(`${view} by ${field}: no page ${page + 1}`);
        }
        page200 = await timeCalls(client, { ...input, cursor }, runs);
      }
      const cell = { view, sort: field, total, first, page200 };
      cells.push(cell);
      onCell(cell);
    }
  }
  return cells;
}

export function matrixTable(cells: MatrixCell[], target: number): string[] {
  const ms = (n: number) => n.toFixed(1);
  const missed = cells.filter((c) => c.first.p95 > target || (c.page200 && c.page200.p95 > target));
  return [
    '| view | sort | users | first page p50 | p95 | page 200 p50 | p95 | p95 ≤ 50 ms |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...cells.map(
      (c) =>
        `| ${c.view} | ${c.sort} | ${c.total.toLocaleString('en')} | ${ms(c.first.p50)} | ${ms(c.first.p95)} | ${c.page200 ? ms(c.page200.p50) : '—'} | ${c.page200 ? ms(c.page200.p95) : '—'} | ${missed.includes(c) ? '**missed**' : 'met'} |`,
    ),
    '',
    `${cells.length} views × sorts, ${cells.filter((c) => c.page200).length} with a page 200: ${missed.length} cell rows miss the target.`,
  ];
}
