/**
 * Every filter × sort of the users list against a plain reference query (issue 18): the faster paths
 * (a search sorted on the search table, the role-by-role and status-by-status walks, the page's rows
 * read last) must return the same users in the same order as the obvious SQL, on both sides of every
 * choice the list makes (the number of matches a search sorts on its own table, the term's shape).
 *
 * Declared here, run by the `users.reference*.test.ts` files, each with its share of the sort fields
 * (`REFERENCE_SORT_FIELDS`), so that vitest's workers run them side by side: as one file they took
 * two minutes on the embedded database, one worker's whole run. Importing this module gives the
 * importing file its database, seeded (the hooks below).
 */
import { existsSync } from 'node:fs';
import { orgUnits, queryRows, roles, seedUsers, userSearch, users } from '@roster/db';
import {
  USER_SORT_FIELDS,
  type UserSort,
  type UserSortField,
  type UsersFilter,
  usersFilterSchema,
} from '@roster/domain';
import { eq, type SQL, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { countedFacetSizes, countUsers } from '../src/users/countUsers';
import {
  type ListUsersOptions,
  listUsers,
  readWholeIsCheaper,
  searchPage,
  trigramsTakeNonAsciiLetters,
  usesTrigrams,
  walkedAmong,
} from '../src/users/listUsers';
import { filterReferences, SEARCH_TERM_HALVED_FROM } from '../src/users/usersFilter';
import { type Harness, START, useHarness } from './harness';

/**
 * The harness of the file that runs the tests: each test file takes its own (`useReferenceFixture`),
 * as a worker that runs several files loads this module once.
 */
let h: Harness;
const SEEDED = 700;

let filters: [string, UsersFilter][] = [];
async function countMatches(term: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    h.db,
    sql`select count(*)::int as n from ${users}
      where strpos(lower(first_name || ' ' || last_name || ' ' || email), ${term.toLowerCase()}) > 0`,
  );
  return row?.n ?? 0;
}

/**
 * A database of the test file's own with the seeded users and the filters: each file that runs the
 * describes below calls it once, at its top.
 */
export function useReferenceFixture() {
  const harness = useHarness({ reset: false });
  beforeAll(async () => {
    h = harness;
    await seedFixture();
  });
}

async function seedFixture() {
  await seedUsers(h.db, { users: SEEDED });
  // Some users never signed in, some share a sign-in to the microsecond (ties broken by id).
  await h.db.execute(sql`update users set last_login_at = '2026-03-01 10:00:00.123456+00'
    where id in (select id from users where status = 'active' order by email limit 40)`);
  // Sign-ins spread over the 120 days before START (the seed dates them from the wall clock).
  await h.db.execute(sql`update users set last_login_at = ${START.toISOString()}::timestamptz
      - (('x' || substr(md5(id::text), 1, 8))::bit(32)::int & 1023) * interval '3 hours'
    where last_login_at is not null and last_login_at <> '2026-03-01 10:00:00.123456+00'`);
  const contributor = (
    await h.db.select({ id: roles.id }).from(roles).where(eq(roles.name, 'Contributor'))
  )[0]?.id;
  const entity = (await h.db.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.kind, 'entity')))[0]
    ?.id;
  const [someone] = await h.db
    .select({ email: users.email })
    .from(users)
    .orderBy(users.id)
    .offset(SEEDED / 2)
    .limit(1);
  const [middle] = await h.db
    .select({ createdAt: users.createdAt })
    .from(users)
    .orderBy(users.createdAt)
    .offset(SEEDED / 2)
    .limit(1);
  if (!contributor || !entity || !someone || !middle) throw new Error('seed incomplete');
  const localPart = someone.email.slice(0, someone.email.indexOf('@'));
  expect(localPart.length * 2).toBeGreaterThanOrEqual(SEARCH_TERM_HALVED_FROM);
  const day = (at: Date, days = 0) => new Date(at.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  const createdFrom = day(middle.createdAt);
  const createdTo = day(middle.createdAt, 90);
  // The seed is random: the narrow filters below each get a user who matches them (without one, a
  // seed of 700 left "domain + rights + created from + role" empty about once in 40 runs), and some
  // invitations have expired by START (the seed's expire after it, so the expired filters matched nobody).
  await plantMatches(contributor, createdFrom);
  filters = [
    ['no filter', {}],
    ['status active', { status: ['active'] }],
    ['status invited + deactivated', { status: ['invited', 'deactivated'] }],
    ['role + module', { roleIds: [contributor], module: { module: 'budget', minLevel: 'edit' } }],
    ['role', { roleIds: [contributor] }],
    ['role + status', { roleIds: [contributor], status: ['active'] }],
    ['scope with descendants', { orgUnitId: entity, includeDescendants: true }],
    ['right', { right: 'data_export' }],
    ['invitation expired', { invitationExpired: true }],
    ['invitation not expired', { invitationExpired: false }],
    ['search a 2-letter term ("an")', { search: 'an' }],
    ['search a 1-letter term ("z")', { search: 'z' }],
    ['search a last-name prefix ("mart")', { search: 'mart' }],
    ['search a first name ("Emma")', { search: 'Emma' }],
    ['search digits before the domain ("2@")', { search: '2@' }],
    ['search an e-mail infix with digits ("42@")', { search: '42@' }],
    ['search a domain ("globex")', { search: 'globex' }],
    ['search with no match ("zzqx")', { search: 'zzqx' }],
    ['search an accented first name ("léa")', { search: 'léa' }],
    ['search a whole e-mail', { search: someone.email }],
    // A long term is also looked for half by half (`searchMatches`): here both halves are someone's
    // e-mail's local part, which their document holds, and the whole term no document does.
    ['search a long term whose halves match, not the whole', { search: localPart.repeat(2) }],
    ['search wildcards taken literally ("%_")', { search: '%_' }],
    ['search "son" + deactivated', { search: 'son', status: ['deactivated'] }],
    [
      'search "an" + role + module',
      { search: 'an', roleIds: [contributor], module: { module: 'budget', minLevel: 'read' } },
    ],
    ['search "mart" + scope', { search: 'mart', orgUnitId: entity, includeDescendants: true }],
    ['never signed in', { lastSignIn: { kind: 'never' } }],
    ['not signed in for 30 days', { lastSignIn: { kind: 'olderThan', days: 30 } }],
    [
      'active, not signed in for 100 days',
      { status: ['active'], lastSignIn: { kind: 'olderThan', days: 100 } },
    ],
    ['created from a day', { createdFrom }],
    ['created to a day', { createdTo }],
    ['created between two days', { createdFrom, createdTo }],
    [
      'created between two instants',
      { createdFrom: `${createdFrom}T12:00:00+02:00`, createdTo: `${createdTo}T06:00:00Z` },
    ],
    ['e-mail domain', { emailDomain: 'globex.example' }],
    // As the procedures' input schema hands it on: lower-cased, without its @.
    ['e-mail domain typed in capitals', usersFilterSchema.parse({ emailDomain: '@INITECH.example' })],
    ['any of two rights', { rights: ['buyer', 'data_export'] }],
    ['search "an" + never signed in', { search: 'an', lastSignIn: { kind: 'never' } }],
    ['search "an" + created between', { search: 'an', createdFrom, createdTo }],
    ['search "son" + e-mail domain', { search: 'son', emailDomain: 'acme-industries.com' }],
    ['search "an" + invitation expired', { search: 'an', invitationExpired: true }],
    ['search "an" + any of two rights', { search: 'an', rights: ['buyer', 'data_export'] }],
    ['search "a" + a right', { search: 'a', right: 'data_export' }],
    [
      'search "emma" + not signed in for 20 days',
      { search: 'emma', lastSignIn: { kind: 'olderThan', days: 20 } },
    ],
    [
      'e-mail domain + rights + created from + role',
      {
        emailDomain: 'umbrella-group.example',
        rights: ['team_manager', 'buyer'],
        createdFrom,
        roleIds: [contributor],
      },
    ],
  ];
}

/**
 * Changes a few seeded users so that each narrow filter of `filters` matches someone whatever the
 * seed drew: an active "Emma" who last signed in 60 days before START, a "Johnson" of
 * acme-industries.com, a Contributor of umbrella-group.example created from `createdFrom` with the
 * buyer right, and about half the pending invitations expired a day before START.
 */
async function plantMatches(contributor: string, createdFrom: string) {
  const pick = (where: SQL) => sql`(select id from users where ${where} order by id limit 1)`;
  await h.db.execute(sql`update users set first_name = 'Emma', status = 'active',
      last_login_at = ${START.toISOString()}::timestamptz - interval '60 days'
    where id = ${pick(sql`status = 'active' and email not like '%@acme-industries.com'`)}`);
  await h.db.execute(sql`update users set last_name = 'Johnson'
    where id = ${pick(sql`email like '%@acme-industries.com' and first_name <> 'Emma'`)}`);
  const umbrella = pick(
    sql`email like '%@umbrella-group.example' and created_at >= ${createdFrom}::date::timestamp at time zone 'UTC'`,
  );
  await h.db.execute(sql`update users set role_id = ${contributor} where id = ${umbrella}`);
  await h.db.execute(
    sql`insert into user_rights (user_id, "right") select ${umbrella}, 'buyer' on conflict do nothing`,
  );
  await h.db.execute(sql`update invitations set expires_at = ${START.toISOString()}::timestamptz - interval '1 day'
    where status = 'pending' and ('x' || substr(md5(id::text), 1, 8))::bit(32)::int % 2 = 0`);
}

/** The obvious SQL for a filter, written independently of the list's code. */
function referenceWhere(filter: UsersFilter, now: Date): SQL {
  const parts: SQL[] = [sql`true`];
  if (filter.status?.length) parts.push(sql`u.status::text = any(${sql.param(filter.status)}::text[])`);
  if (filter.roleIds?.length) parts.push(sql`u.role_id = any(${sql.param(filter.roleIds)}::uuid[])`);
  if (filter.module) {
    const levels = filter.module.minLevel === 'edit' ? ['edit'] : ['read', 'edit'];
    parts.push(sql`exists (select 1 from module_access ma where ma.user_id = u.id
      and ma.module::text = ${filter.module.module} and ma.level::text = any(${sql.param(levels)}::text[]))`);
  }
  if (filter.orgUnitId) {
    parts.push(sql`exists (select 1 from user_scopes us where us.user_id = u.id and us.org_unit_id in (
      with recursive tree as (select id from org_units where id = ${filter.orgUnitId}
        union all select o.id from org_units o join tree on o.parent_id = tree.id
          where ${filter.includeDescendants ?? false}) select id from tree))`);
  }
  if (filter.right) {
    parts.push(
      sql`exists (select 1 from user_rights ur where ur.user_id = u.id and ur.right::text = ${filter.right})`,
    );
  }
  if (filter.invitationExpired !== undefined) {
    parts.push(sql`u.status = 'invited' and exists (select 1 from invitations i where i.user_id = u.id
      and i.status = 'pending' and (i.expires_at <= ${now.toISOString()}::timestamptz) = ${filter.invitationExpired})`);
  }
  if (filter.rights?.length) {
    parts.push(sql`exists (select 1 from user_rights ur where ur.user_id = u.id
      and ur.right::text = any(${sql.param(filter.rights)}::text[]))`);
  }
  if (filter.lastSignIn?.kind === 'never') parts.push(sql`u.last_login_at is null`);
  if (filter.lastSignIn?.kind === 'olderThan') {
    parts.push(
      sql`u.last_login_at < ${now.toISOString()}::timestamptz - ${filter.lastSignIn.days} * interval '1 day'`,
    );
  }
  const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (filter.createdFrom) {
    parts.push(
      isDay(filter.createdFrom)
        ? sql`u.created_at >= ${filter.createdFrom}::date::timestamp at time zone 'UTC'`
        : sql`u.created_at >= ${filter.createdFrom}::timestamptz`,
    );
  }
  if (filter.createdTo) {
    parts.push(
      isDay(filter.createdTo)
        ? sql`u.created_at < (${filter.createdTo}::date + 1)::timestamp at time zone 'UTC'`
        : sql`u.created_at < ${filter.createdTo}::timestamptz`,
    );
  }
  if (filter.emailDomain) {
    parts.push(sql`split_part(u.email, '@', 2) = ${filter.emailDomain.toLowerCase()}`);
  }
  if (filter.search) {
    parts.push(
      sql`strpos(lower(u.first_name || ' ' || u.last_name || ' ' || u.email), ${filter.search.toLowerCase()}) > 0`,
    );
  }
  return sql.join(parts, sql` and `);
}

function referenceOrder(sort: UserSort): SQL {
  const d = sql.raw(sort.direction);
  switch (sort.field) {
    case 'name':
      return sql`u.last_name ${d}, u.first_name ${d}, u.id ${d}`;
    case 'email':
      return sql`u.email ${d}`;
    case 'status':
      return sql`u.status ${d}, u.id ${d}`;
    case 'role':
      return sql`r.name ${d}, u.id ${d}`;
    case 'created':
      return sql`u.id ${d}`;
    case 'lastLogin':
      return sort.direction === 'asc'
        ? sql`u.last_login_at asc nulls first, u.id asc`
        : sql`u.last_login_at desc nulls last, u.id desc`;
  }
}

async function reference(filter: UsersFilter, sort: UserSort, now: Date): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    h.db,
    sql`select u.id from users u join roles r on r.id = u.role_id
      where ${referenceWhere(filter, now)} order by ${referenceOrder(sort)}`,
  );
  return rows.map((r) => r.id);
}

/** Every page of a view by cursor, with a cut-off so that a walk that loops ends. */
/** Every page of a view by cursor, the first one counted (its total is carried to the next ones). */
async function walk(
  filter: UsersFilter,
  sort: UserSort,
  limit: number,
  options: ListUsersOptions,
  count = true,
) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let total: number | null = null;
  for (let page = 0; page < 1 + SEEDED / limit + 2; page++) {
    const result = await listUsers(h.db, { filter, sort, limit, cursor, count }, START, options);
    // A next cursor promises more users: the page it leads to is never empty.
    if (cursor) expect(result.items.length, 'a page reached by its cursor holds users').toBeGreaterThan(0);
    total = result.total;
    ids.push(...result.items.map((i) => i.id));
    if (!result.nextCursor) return { ids, total, complete: true };
    expect(result.items, 'a page with a next cursor is full').toHaveLength(limit);
    cursor = result.nextCursor;
  }
  return { ids, total, complete: false };
}

const SORTS: UserSort[] = USER_SORT_FIELDS.flatMap((field) =>
  (['asc', 'desc'] as const).map((direction) => ({ field, direction })),
);
/**
 * How a page is taken, on both sides of each threshold. A search's: sorted on the search table (a
 * large threshold, and one equal to the term's number of matches); a name or e-mail sort with nothing
 * but the term walks a window of the search table first (of 20, 5 or every user); past the
 * threshold, a name or e-mail sort tries a bounded walk (a window of every user, or of 5), then sorts
 * up to the clustered threshold (equal to the matches), then walks the index (one below); other
 * sorts walk at once. A next page sorted by name or e-mail first walks a few users from its cursor
 * (every user, 5, or the default).
 */
async function thresholds(filter: UsersFilter): Promise<[string, ListUsersOptions][]> {
  if (!filter.search) {
    // A filter of counted facets (status, role, module) is read whole and sorted, or walked.
    return [
      ['read whole and sorted', { countedFacetsReadWhole: true }],
      ['walked', { countedFacetsReadWhole: false }],
    ];
  }
  const n = await countMatches(filter.search);
  const below = Math.max(0, n - 1);
  return [
    ['sorted on the search table', { searchMatchesSortedMax: 100_000 }],
    // A name or e-mail sort with nothing but the term walks 20 users of the search table first: some
    // pages are filled by the walk (or end with the order), the others by the paths after it.
    ['walked 20 users first', { searchWalkWindow: 20, searchCursorWalkWindow: 20 }],
    // A term with other conditions walks the search table once its matches are too many to read at
    // once: a window of 60 fills some pages (of 7) and ends inside others (its last user decides).
    [
      `more than ${below}: the search table walked 60 users, conditions checked for its matches`,
      {
        searchMatchesSortedMax: below,
        searchConditionsWalkWindow: 60,
        searchWalkWindow: 0,
        searchMatchesSortedClusteredMax: below,
        searchCursorWalkWindow: 0,
      },
    ],
    [`sorted, threshold = its ${n} matches`, { searchMatchesSortedMax: n }],
    [
      'bounded walk over every user (a next page: from its cursor)',
      {
        searchMatchesSortedMax: below,
        searchConditionsWalkWindow: 0,
        searchWalkWindow: 100_000,
        searchMatchesSortedClusteredMax: below,
        searchCursorWalkWindow: 100_000,
      },
    ],
    [
      `window of 5, then sorted up to ${n}`,
      {
        searchMatchesSortedMax: below,
        searchWalkWindow: 5,
        searchMatchesSortedClusteredMax: n,
        searchCursorWalkWindow: 5,
      },
    ],
    [
      `window of 5, then walked (threshold ${below})`,
      {
        searchMatchesSortedMax: below,
        searchWalkWindow: 5,
        searchMatchesSortedClusteredMax: below,
        searchCursorWalkWindow: 5,
      },
    ],
    [
      `sampled whole: more than ${below}, window of 5, then walked`,
      {
        searchSamplePercent: 100,
        searchMatchesSortedMax: below,
        searchWalkWindow: 5,
        searchMatchesSortedClusteredMax: below,
      },
    ],
    ['sampled whole: sorted on the search table', { searchSamplePercent: 100, searchMatchesSortedMax: n }],
    // A sample that finds none of the term's matches (the blocks of a last name's users missed): the
    // term is taken for a rare one, and a page not counted reads every match.
    [
      `sampled nothing: taken for fewer than ${below}, window of 5`,
      { searchSamplePercent: 0.000_001, searchMatchesSortedMax: below, searchWalkWindow: 5 },
    ],
  ];
}

/** The sort fields each reference test file walks every filter in, both ways. */
export const REFERENCE_SORT_FIELDS = {
  'users.reference.test.ts': ['name', 'email'],
  'users.reference.statusRole.test.ts': ['status', 'role'],
  'users.reference.dates.test.ts': ['created', 'lastLogin'],
} as const satisfies Record<string, readonly UserSortField[]>;

/** Every filter sorted by each of `fields`, both ways, against the reference query. */
export function describeSortedLikeReference(fields: readonly UserSortField[]) {
  describe('users.list sorted, against a plain reference query', () => {
    // In every file: each file seeds its own users, at random.
    it('the fixture covers both sides of the thresholds', async () => {
      expect(await countMatches('an')).toBeGreaterThan(100);
      expect(await countMatches('zzqx')).toBe(0);
      const [copy] = await queryRows<{ n: number }>(
        h.db,
        sql`select count(*)::int as n from ${users} u join ${userSearch} s on s.user_id = u.id
        where (s.last_name, s.first_name, s.email, s.status, s.role_id) = (u.last_name, u.first_name, u.email, u.status, u.role_id)
          and s.last_login_at is not distinct from u.last_login_at`,
      );
      expect(copy?.n, 'the search table copies every user').toBe(SEEDED);
    });

    for (const sort of SORTS.filter((s) => fields.includes(s.field))) {
      it(`every filter sorted by ${sort.field} ${sort.direction}: same users, same order, each once`, async () => {
        for (const [name, filter] of filters) {
          const expected = await reference(filter, sort, START);
          for (const [how, options] of await thresholds(filter)) {
            for (const limit of [50, 7]) {
              if (limit === 7 && expected.length > 120) continue;
              const { ids, total, complete } = await walk(filter, sort, limit, options);
              expect(complete, `${name}, ${how}: the walk ends`).toBe(true);
              expect(ids, `${name}, ${how}, pages of ${limit}`).toEqual(expected);
              expect(total, `${name}, ${how}: the first page's count`).toBe(expected.length);
              // Sampled, a first page not counted (the web app's) keeps its page as the matches are read.
              if (options.searchSamplePercent !== undefined) {
                const uncounted = await walk(filter, sort, limit, options, false);
                expect(uncounted.ids, `${name}, ${how}, not counted, pages of ${limit}`).toEqual(expected);
                expect(uncounted.total, `${name}, ${how}: not counted`).toBeNull();
              }
            }
          }
        }
      }, 240_000);
    }
  });
}

/** The fixture, the list's choices on both sides of its thresholds and the counts, against the reference. */
export function describeChoicesLikeReference() {
  describe('users.list against a plain reference query', () => {
    it('the reference files walk every sort field', () => {
      const walked: string[] = Object.values(REFERENCE_SORT_FIELDS).flat();
      expect(walked.sort()).toEqual([...USER_SORT_FIELDS].sort());
      for (const file of Object.keys(REFERENCE_SORT_FIELDS))
        expect(existsSync(new URL(file, import.meta.url)), `${file} exists`).toBe(true);
    });

    it('a walk that ends on a non-match just after every match of the view promises no further page', async () => {
      // Users in name order, each marked when it matches the term: a window that closes on the user
      // right after the view's last match must not count that user as a match (a next page of none).
      const term = 'son';
      const status = 'active' as const;
      const order = await queryRows<{ id: string; term: boolean; status: string }>(
        h.db,
        sql`select u.id, strpos(lower(u.first_name || ' ' || u.last_name || ' ' || u.email), ${term}) > 0 as term,
          u.status::text as status
        from users u order by u.last_name, u.first_name, u.id`,
      );
      const cases: [
        UsersFilter,
        (u: { term: boolean; status: string }) => boolean,
        keyof ListUsersOptions,
      ][] = [
        [{ search: term }, (u) => u.term, 'searchWalkWindow'],
        [
          { search: term, status: [status] },
          (u) => u.term && u.status === status,
          'searchConditionsWalkWindow',
        ],
      ];
      for (const [filter, matches, windowOption] of cases) {
        const expected = await reference(filter, { field: 'name', direction: 'asc' }, START);
        const last = order.findLastIndex(matches);
        const after = order.findIndex((u, i) => i > last && !matches(u));
        expect(expected.length, `${JSON.stringify(filter)}: some users match`).toBeGreaterThan(0);
        expect(
          after,
          `${JSON.stringify(filter)}: a user that does not match follows the last match`,
        ).toBeGreaterThan(last);
        const options: ListUsersOptions = {
          searchMatchesSortedMax: 0,
          searchMatchesSortedClusteredMax: 0,
          searchWalkWindow: 0,
          searchConditionsWalkWindow: 0,
          searchCursorWalkWindow: 0,
          // The window closes on that user (positions count from 1).
          [windowOption]: after + 1,
        };
        const { ids, complete } = await walk(
          filter,
          { field: 'name', direction: 'asc' },
          expected.length,
          options,
        );
        expect(complete).toBe(true);
        expect(ids, JSON.stringify(filter)).toEqual(expected);
      }
    });

    it("reads a term's matches only when its sample has no more than the threshold", async () => {
      // A term without trigrams (the table read) and one with (the trigram index).
      for (const term of ['an', 'son']) {
        const filter = { search: term };
        const n = await countMatches(term);
        expect(n).toBeGreaterThan(1);
        const references = await filterReferences(h.db, filter);
        const sort: UserSort = { field: 'name', direction: 'asc' };
        const page = (max: number, samplePercent: number | null) =>
          searchPage(h.db, filter, references, term, START, sort, undefined, 51, max, true, samplePercent);
        // The whole table sampled: its matches are the term's, exactly.
        const sampledMore = await page(n - 1, 100);
        expect(sampledMore, `${term}: more than ${n - 1} by its sample, none read`).toEqual({
          page: null,
          matchesRead: 0,
          predicted: n,
        });
        const sampledFew = await page(n, 100);
        expect(sampledFew.matchesRead, `${term}: ${n} by its sample, every one read`).toBe(n);
        expect(sampledFew.page?.total).toBe(n);
        // Without a sample, one more than the threshold is read to know that there are more.
        const unsampled = await page(n - 1, null);
        expect(unsampled.page, `${term}: more than ${n - 1}, no page`).toBeNull();
        expect(unsampled.matchesRead).toBe(n);
        expect(unsampled.predicted, 'no sample, no prediction').toBeNull();
      }
    });

    it('counts every filter exactly (users.count); each of issue 19 item 7 matches some users, not all', async () => {
      for (const [name, filter] of filters) {
        const expected = await reference(filter, { field: 'created', direction: 'asc' }, START);
        expect(await countUsers(h.db, filter, START), `count of ${name}`).toBe(expected.length);
        const added = [
          'lastSignIn',
          'createdFrom',
          'createdTo',
          'emailDomain',
          'rights',
          'invitationExpired',
        ] as const;
        if (added.some((key) => filter[key] !== undefined)) {
          expect(expected.length, `${name} matches some users`).toBeGreaterThan(0);
          expect(expected.length, `${name} narrows`).toBeLessThan(SEEDED);
        }
      }
    }, 120_000);

    it('sizes a filter of counted facets exactly, and reads it whole only where a walk would cost more', async () => {
      const byCreated = { field: 'created', direction: 'asc' } as const;
      const size = async (filter: UsersFilter) => (await reference(filter, byCreated, START)).length;
      let sized = 0;
      for (const [name, filter] of filters) {
        const sizes = await countedFacetSizes(h.db, filter);
        const facets = Object.keys(filter).filter((key) => key !== 'includeDescendants');
        if (facets.length === 0 || !facets.every((key) => ['status', 'roleIds', 'module'].includes(key))) {
          expect(sizes, `${name} is not sized on the counts`).toBeNull();
          continue;
        }
        const alone = [
          filter.status && (await size({ status: filter.status })),
          filter.roleIds && (await size({ roleIds: filter.roleIds })),
          filter.module && (await size({ module: filter.module })),
        ].filter((n) => n !== undefined);
        expect(sizes, name).toEqual({
          matching: await size(filter),
          narrowest: Math.min(...alone),
          roles: filter.roleIds ? await size({ roleIds: filter.roleIds }) : null,
        });
        sized++;
      }
      expect(sized).toBeGreaterThanOrEqual(4);
      // Measured at 200,000 users (listUsers.ts): a rare role with a module is read whole, a common one walked.
      expect(readWholeIsCheaper({ matching: 130, narrowest: 800, roles: 800 }, 200_000, 51)).toBe(true);
      expect(readWholeIsCheaper({ matching: 4_500, narrowest: 28_000, roles: 28_000 }, 200_000, 51)).toBe(
        false,
      );
      expect(readWholeIsCheaper({ matching: 0, narrowest: 0, roles: null }, 200_000, 51)).toBe(true);
      // One role sorted by name is walked among its own users (users_role_name_idx): a role of 4,499 users
      // at 200,000, read whole when the walk passed every user, is walked; so is a rare role with a module.
      const role = { matching: 4_499, narrowest: 4_499, roles: 4_499 };
      const byName = { field: 'name', direction: 'asc' } as const;
      const oneRole = { roleIds: ['r'] };
      expect(readWholeIsCheaper(role, walkedAmong(oneRole, byName, role, 200_000), 51)).toBe(false);
      expect(readWholeIsCheaper(role, 200_000, 51)).toBe(true);
      const rareWithModule = { matching: 130, narrowest: 800, roles: 800 };
      expect(
        readWholeIsCheaper(rareWithModule, walkedAmong(oneRole, byName, rareWithModule, 200_000), 51),
      ).toBe(false);
      // Two roles, or another sort, walk an index of every user.
      expect(walkedAmong({ roleIds: ['r', 's'] }, byName, role, 200_000)).toBe(200_000);
      expect(walkedAmong(oneRole, { field: 'email', direction: 'asc' }, role, 200_000)).toBe(200_000);
      expect(walkedAmong({ status: ['active'] }, byName, { ...role, roles: null }, 200_000)).toBe(200_000);
    });

    it('reads a term by its trigrams only when pg_trgm can take some from it', () => {
      expect(['mart', 'emma', '42@', 'e1 x', 'globex', 'ab.cd'].map((term) => usesTrigrams(term))).toEqual([
        true,
        true,
        true,
        true,
        true,
        true,
      ]);
      expect(['an', '2@', '@gl', 'e.e', 'mü', 'z', '%_'].map((term) => usesTrigrams(term))).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
      // Letters outside ASCII: separators under the C locale, letters under a UTF-8 character type.
      const accented = ['léa', 'sánc', 'müll', 'mü@', 'mü', 'é', 'ü.'];
      expect(accented.map((term) => usesTrigrams(term))).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
      expect(accented.map((term) => usesTrigrams(term, true))).toEqual([
        true,
        true,
        true,
        true,
        false,
        false,
        false,
      ]);
    });

    it("takes letters outside ASCII as letters where the database's pg_trgm does", async () => {
      const letters = await trigramsTakeNonAsciiLetters(h.db);
      const [row] = await queryRows<{ words: string[] }>(h.db, sql`select show_trgm('léa') as words`);
      // Under the C locale "léa" is the words "l" and "a" (4 padded trigrams); as one word, 4 of its own.
      expect(row?.words.some((t) => t.startsWith('0x')) ?? false).toBe(letters);
      expect(await countMatches('léa')).toBeGreaterThan(0);
    });
  });
}
