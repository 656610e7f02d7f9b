import {
  amongTrigramMatches,
  type Db,
  inIndexOrder,
  invitations,
  keyedLookups,
  likeContains,
  queryRows,
  roles,
  searchDocumentOf,
  userSearch,
  users,
  withLocalSettings,
} from '@roster/db';
import {
  DEFAULT_USER_SORT,
  DomainError,
  isEmptyFilter,
  listStartPrefix,
  USER_STATUSES,
  type UserSort,
  type UserStatus,
  type UsersFilter,
  type UsersListInput,
} from '@roster/domain';
import { and, count, eq, gt, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import { uuidList } from '../bulk/sqlLists';
import {
  type CountedFacetSizes,
  countedFacetSizes,
  countUsers,
  type SharedFacetSums,
  sharedFacetSums,
} from './countUsers';
import { userModuleAccessPairs, userRightCodes, userScopeIds, userSummaryColumns } from './userColumns';
import {
  afterCursor,
  beforePrefix,
  compareLastLoginKeys,
  decodeCursor,
  encodeCursor,
  type KeysetStart,
  keyText,
  orderBy,
  reversed,
  type SortColumns,
} from './userSort';
import {
  type FilterReferences,
  filterConditions,
  filterReferences,
  SEARCH_TABLE_COLUMNS,
  searchMatches,
  usersFilterCondition,
} from './usersFilter';

export const USERS_PAGE_DEFAULT = 50;

/**
 * A search's page is first looked for among its matches on the search table alone (filtered, sorted
 * and cut there, no join) when the term has no more than this many: a match costs a page read of
 * the table (matches are spread over it), so this stays a few thousand. The least such threshold:
 * on a larger table it grows (`searchMatchesSortedMax`).
 */
export const SEARCH_MATCHES_SORTED_MAX = 2_000;
/**
 * What walking one user of the sort's index costs (its search row looked up and matched) against
 * reading one match on the search table, measured at 200,000 users on PostgreSQL 15: 4,000 users
 * walked in 58 ms, 2,442 matches read and sorted in 18 ms — about 2.
 */
const WALKED_USER_PER_MATCH_READ = 2;
/**
 * What counting a match costs against reading it (and keeping it to be sorted), measured at 200,000
 * users on PostgreSQL 15, warm: a term's 5,482 matches counted in 5.7 ms, read, counted and sorted
 * in 10.5 ms — about a half. A first page that is counted reads every match anyway: when its page is
 * walked, the count reads them again.
 */
const COUNTED_PER_MATCH_READ = 0.5;

/**
 * Up to how many matches a search's page is sorted on the search table first. Reading a term's N
 * matches costs N reads; a walk of the sort's index that keeps the matches costs about
 * WALKED_USER_PER_MATCH_READ × rows / (N / users) reads until the page is full (matches spread over
 * the order; clustered ones cost the walk more). The two are equal at N = √(ratio × rows × users):
 * ~4,500 for a page of 51 at 200,000 users (a common last name has ~2,400 matches there, and was
 * sorted only after a failed walk of 4,000 users: 85 ms instead of 18), ~10,000 at 1,000,000.
 * A `counted` first page adds the count to the walk (N × COUNTED_PER_MATCH_READ reads) and has it
 * for free when it reads: its threshold is √2 higher (~6,400 at 200,000 users: "jack", 5,482
 * matches, read 4,518 before it knew it had more, then walked and counted, 26 ms of PostgreSQL; read
 * whole, 11 ms).
 * `users` is PostgreSQL's estimate of the table's rows: an input of a choice of path, never a figure shown.
 */
export function searchMatchesSortedMax(users: number, rows: number, counted = false): number {
  const ratio = counted
    ? WALKED_USER_PER_MATCH_READ / (1 - COUNTED_PER_MATCH_READ)
    : WALKED_USER_PER_MATCH_READ;
  const even = Math.round(Math.sqrt(ratio * rows * Math.max(0, users)));
  return Math.min(SEARCH_MATCHES_SORTED_CLUSTERED_MAX, Math.max(SEARCH_MATCHES_SORTED_MAX, even));
}

/** PostgreSQL's estimate of the number of users, read at most once a minute per database handle. */
const usersEstimates = new WeakMap<Db, { users: number; until: number }>();
const USERS_ESTIMATE_TTL_MS = 60_000;

async function estimatedUsers(db: Db): Promise<number> {
  const known = usersEstimates.get(db);
  if (known && known.until > Date.now()) return known.users;
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'users'::regclass`,
  );
  const users = Number(row?.n ?? 0);
  usersEstimates.set(db, { users, until: Date.now() + USERS_ESTIMATE_TTL_MS });
  return users;
}
/**
 * Sorted by name or e-mail, the matches of a term can cluster in the sort order (every "Martin"
 * together, every "emma." e-mail together): a walk of the sort's index from the start would read
 * every user before them. There, a walk of at most SEARCH_WALK_WINDOW users is tried after the rare
 * term's read (before it, for a name or e-mail sort with nothing but the term: the search table's own
 * index of the order walks up to SEARCH_TABLE_WALK_WINDOW users, `searchTableWindow`), then the term's
 * matches are sorted on the search table up to this many, and beyond, the index is walked. The
 * thresholds past the window were measured for walks of the users' indexes
 * (`WALKED_USER_PER_MATCH_READ`).
 */
export const SEARCH_MATCHES_SORTED_CLUSTERED_MAX = 50_000;
export const SEARCH_WALK_WINDOW = 4_000;
/**
 * How many users of the search table's name or e-mail index a search with nothing but its term walks
 * first: a fiftieth of the users, from SEARCH_WALK_WINDOW to SEARCH_TABLE_WALK_WINDOW (a term with
 * other conditions walks `conditionsWalkWindow`, at most this, once its matches are too many to read
 * at once). Index-only, a walked user costs ~0.2 µs (100,000 walked in 16 ms at 1,000,000 users,
 * warm) against ~3–15 µs to read and sort a match (a heap page each). At 1,000,000 users 20,000 cost
 * ~4 ms and fill a page of a term at 0.3 % of users spread over the order ("42@" by e-mail walked
 * 5,900 users for its first page; a window of 4,000 missed it and sorted its 10,000 matches, 92 ms).
 * A term whose matches the
 * window misses pays it on top of its read, and its matches are fewer on a smaller table while the
 * window is not: at 200,000 users a window of 20,000 made the first pages of last names and of terms
 * without a match 30 ms slower at the median under 20 administrators' load (4,000: as before). Where
 * the table is not vacuumed (a sign-in's update of its copy of the last sign-in clears its page's
 * all-visible bit until the next vacuum), a walked user also reads its heap page, about 1 µs.
 */
export const SEARCH_TABLE_WALK_WINDOW = 20_000;
export const SEARCH_TABLE_WALK_SHARE = 1 / 50;

/** The first walk's window of a search on the search table (`SEARCH_TABLE_WALK_SHARE`); `users`: PostgreSQL's estimate. */
export function searchTableWalkWindow(users: number): number {
  return Math.min(
    SEARCH_TABLE_WALK_WINDOW,
    Math.max(SEARCH_WALK_WINDOW, Math.round(users * SEARCH_TABLE_WALK_SHARE)),
  );
}
/**
 * At most how many matches of its term a search with other conditions looks up (~3 µs each) in its
 * walk of the search table: the walk's window holds that many by the term's sample, up to
 * SEARCH_TABLE_WALK_WINDOW. "an" (a quarter of the users) + a role of 797 users at 200,000 users: a
 * window of 20,000 looked up ~5,000 matches in vain, 116–148 ms against 71–170 ms without the walk.
 */
export const CONDITIONS_WALK_LOOKUPS = 2_000;

/** The window of a search's walk with other conditions; `predicted`: its matches by its sample, if taken. */
export function conditionsWalkWindow(users: number, predicted: number | null): number {
  if (!predicted || predicted <= 0) return SEARCH_TABLE_WALK_WINDOW;
  return Math.min(SEARCH_TABLE_WALK_WINDOW, Math.round((CONDITIONS_WALK_LOOKUPS * users) / predicted));
}

/**
 * A searched next page sorted by name or e-mail first walks this many pages' worth of users from
 * its cursor: inside a cluster of matches (a last name sorted by name) that fills it at once; for
 * matches spread over the order it costs ~4 × 51 users walked before the usual paths. Not for a
 * name or e-mail sort with nothing but the term, which walks the search table first.
 */
export const SEARCH_CURSOR_WALK_PAGES = 4;

export type ListUsersOptions = {
  /** The thresholds above (tests set small ones to cover both sides of them). */
  searchMatchesSortedMax?: number;
  /** A filter of counted facets (status, role, module): read whole and sorted, or walked (tests choose). */
  countedFacetsReadWhole?: boolean;
  searchMatchesSortedClusteredMax?: number;
  /** Both first walks' windows: the search table's (`searchTableWalkWindow`) and the users' (`SEARCH_WALK_WINDOW`). */
  searchWalkWindow?: number;
  /** The search table's walk of a term with other conditions (`conditionsWalkWindow`); 0: none. */
  searchConditionsWalkWindow?: number;
  /** How many users a searched next page walks from its cursor first (`SEARCH_CURSOR_WALK_PAGES`). */
  searchCursorWalkWindow?: number;
  /** The share of the users table a search samples first (`searchSamplePercent`); null: none. */
  searchSamplePercent?: number | null;
};

/** A row of the page before it is read: its id and its sort key as text (the cursor's values). */
export type KeyedId = { id: string; key: string[] };

function selectPage(db: Db) {
  return db
    .select({
      ...userSummaryColumns,
      invitation: {
        expiresAt: invitations.expiresAt,
        sentCount: invitations.sentCount,
        lastSentAt: invitations.lastSentAt,
      },
      activatedAt: users.activatedAt,
      /** Organisation unit ids and rights: with the module access, what a client-side preview of "Copy access" needs. */
      scope: userScopeIds,
      rights: userRightCodes,
      moduleAccess: userModuleAccessPairs,
    })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .leftJoin(invitations, and(eq(invitations.userId, users.id), eq(invitations.status, 'pending')));
}

/** The statuses a filter allows (an invitation filter allows invited users only). */
function allowedStatuses(filter: UsersFilter | undefined): UserStatus[] {
  return USER_STATUSES.filter(
    (s) =>
      (!filter?.status?.length || filter.status.includes(s)) &&
      (filter?.invitationExpired === undefined || s === 'invited'),
  );
}

/**
 * A page sorted by role (name, then id), taken role by role in the order of their names, each role's
 * users on the (role_id, id) index until the page is full. Ordering by the joined role name made
 * PostgreSQL join and sort every matching user first: ~1 s a page at 200,000 users under load.
 */
async function walkByRole(
  db: Db,
  conditions: SQL[],
  sort: UserSort,
  after: string[] | undefined,
  rows: number,
): Promise<KeyedId[]> {
  const ascending = sort.direction === 'asc';
  const [afterName, afterId] = after ?? [];
  const ordered = await db
    .select({ id: roles.id, name: roles.name })
    .from(roles)
    .where(
      afterName === undefined
        ? undefined
        : ascending
          ? gte(roles.name, afterName)
          : lte(roles.name, afterName),
    )
    .orderBy(ascending ? sql`${roles.name} asc` : sql`${roles.name} desc`);
  const page: KeyedId[] = [];
  for (const role of ordered) {
    if (page.length >= rows) break;
    const pastCursor =
      role.name === afterName && afterId
        ? ascending
          ? gt(users.id, afterId)
          : lt(users.id, afterId)
        : undefined;
    const ids = await db
      .select({ id: users.id })
      .from(users)
      .where(and(...conditions, eq(users.roleId, role.id), pastCursor))
      .orderBy(ascending ? sql`${users.id} asc` : sql`${users.id} desc`)
      .limit(rows - page.length);
    page.push(...ids.map(({ id }) => ({ id, key: [role.name, id] })));
  }
  return page;
}

/**
 * Where a status's users mostly fall in a sort by last sign-in, ascending: created and invited users
 * have not signed in (first), deactivated ones stopped signing in, active ones sign in now (last).
 */
const SIGN_IN_ORDER: Record<UserStatus, number> = { created: 0, invited: 1, deactivated: 2, active: 3 };

/**
 * A page sorted by last sign-in: each allowed status's users walked on the (status, last sign-in, id)
 * index, the walks merged. A status filter is then a range of the index, so active users sorted by
 * sign-in never read the 300,000 others first. Once the page is full, the next status's walk stops
 * at the page's last row (rows after it cannot enter the page): the statuses are walked in the order
 * their users' sign-ins mostly come (`SIGN_IN_ORDER`), so that the later walks are short. With a
 * search, each walk reads ~51 / density users until its page is full: "emma" by sign-in read four
 * such walks (~14,000 users at 1,000,000).
 */
async function walkByStatus(
  db: Db,
  filter: UsersFilter | undefined,
  conditions: SQL[],
  sort: UserSort,
  after: KeysetStart | undefined,
  rows: number,
): Promise<KeyedId[]> {
  const statuses = allowedStatuses(filter).sort((a, b) => SIGN_IN_ORDER[a] - SIGN_IN_ORDER[b]);
  if (sort.direction === 'desc') statuses.reverse();
  let page: KeyedId[] = [];
  for (const status of statuses) {
    const last = page.length >= rows ? page[rows - 1] : undefined;
    page.push(
      ...(await db
        .select({ id: users.id, key: keyText(sort.field) })
        .from(users)
        .where(
          and(
            ...conditions,
            eq(users.status, status),
            after ? afterCursor(sort, after) : undefined,
            // Before the page's last row: after it, in the reversed order.
            last ? afterCursor(reversed(sort), last.key) : undefined,
          ),
        )
        .orderBy(...orderBy(sort))
        .limit(rows)),
    );
    page = page.sort((a, b) => compareLastLoginKeys(sort.direction, a.key, b.key)).slice(0, rows);
  }
  return page;
}

/** A page taken by walking the sort's index on `users`, in order, until it is full. */
async function walk(
  db: Db,
  filter: UsersFilter | undefined,
  conditions: SQL[],
  sort: UserSort,
  after: KeysetStart | undefined,
  rows: number,
): Promise<KeyedId[]> {
  const run = (tx: Db) => {
    if (sort.field === 'role') {
      // A role sort has no text key to start at a prefix of (`listStartPrefix` refuses it first).
      if (after && !Array.isArray(after)) throw new DomainError('invalid_start');
      return walkByRole(tx, conditions, sort, after, rows);
    }
    if (sort.field === 'lastLogin') return walkByStatus(tx, filter, conditions, sort, after, rows);
    return tx
      .select({ id: users.id, key: keyText(sort.field) })
      .from(users)
      .where(and(...conditions, after ? afterCursor(sort, after) : undefined))
      .orderBy(...orderBy(sort))
      .limit(rows);
  };
  // A creation range or an e-mail domain is estimated from the column's statistics: PostgreSQL walks
  // the sort's index for a wide one and sorts the few matches of a narrow one (200,000 users: one
  // day's 180 users in 27 ms instead of 361 ms walking the name index; a 60-user domain in 57 ms
  // instead of 196 ms). A search's matches cannot be estimated: a search keeps the index walk.
  if (!filter?.search && (filter?.createdFrom || filter?.createdTo || filter?.emailDomain)) return run(db);
  return inIndexOrder(db, run);
}

/**
 * The sort columns of a row set under `alias` whose columns keep the tables' names: its id column
 * (`id` for the users', `user_id` for the search table's) and its role's name (a joined role's
 * `r.name`, or a column the row set carries).
 */
function sortColumnsOf(
  alias: 'm' | 'p' | 'w',
  id: 'id' | 'user_id',
  roleName: SQL = sql.raw(`${alias}.role_name`),
): SortColumns {
  const column = (name: string) => sql.raw(`${alias}.${name}`);
  return {
    id: column(id),
    lastName: column('last_name'),
    firstName: column('first_name'),
    email: column('email'),
    status: column('status'),
    roleName,
    lastLoginAt: column('last_login_at'),
  };
}

/** The columns of the users read whole (`m`), with their role (`r`) for a sort by role. */
const READ_SORT_COLUMNS = sortColumnsOf('m', 'id', sql`r.name`);

/**
 * A page of a filter with few users, taken by reading them all (on the filter's own indexes: a
 * role's, a module's; the planner is free inside) and sorting them, never by walking the sort's
 * index past every other user: a rare role with a module at 200,000 users read 162,000 pages
 * walked (250 ms), 1,000 read whole and sorted (22 ms).
 */
async function sortedWhole(
  db: Db,
  conditions: SQL[],
  sort: UserSort,
  after: KeysetStart | undefined,
  rows: number,
): Promise<KeyedId[]> {
  const c = READ_SORT_COLUMNS;
  return queryRows<KeyedId>(
    db,
    sql`with m as materialized (
          select ${users.id}, ${users.lastName}, ${users.firstName}, ${users.email}, ${users.status},
            ${users.roleId}, ${users.lastLoginAt}
          from ${users} ${conditions.length ? sql`where ${and(...conditions)}` : sql``}
        )
        select m.id, ${keyText(sort.field, c)} as key
        from m ${sort.field === 'role' ? sql`join ${roles} r on r.id = m.role_id` : sql``}
        ${after ? sql`where ${afterCursor(sort, after, c)}` : sql``}
        order by ${sql.join(orderBy(sort, c), sql`, `)}
        limit ${rows}`,
  );
}

/**
 * Whether reading a filter's users whole and sorting them costs less than walking the sort's index
 * until the page is full. Reading starts from the filter's narrowest facet (its role's users, or its
 * module's rows) and reads each of them; a walk reads about WALKED_USER_PER_MATCH_READ × rows ×
 * users / matching of the sort's index, the matches being spread over it. Measured at 200,000
 * users: Administrator (800 users) + budget ≥ edit (~130 matches) walked 162,000 pages in 250 ms, read
 * whole in 22 ms. Project manager (28,000) + budget ≥ edit (~4,500) is walked: reading it whole starts
 * from 28,000 users, the walk reads ~4,600 (under load, read whole took ~3,600 pages and 67 ms a page).
 */
export function readWholeIsCheaper(sizes: CountedFacetSizes, passed: number, rows: number): boolean {
  const walked = (WALKED_USER_PER_MATCH_READ * rows * passed) / Math.max(1, sizes.matching);
  return sizes.narrowest <= walked;
}

/**
 * The users a walk of the sort's index passes on its way to a page: every user, but for one role
 * sorted by name, which `users_role_name_idx` walks among the role's users alone (a role of 4,499
 * users at 200,000 was read whole and sorted, 21 ms in process; walked, 5 ms).
 */
export function walkedAmong(
  filter: UsersFilter,
  sort: UserSort,
  sizes: CountedFacetSizes,
  users: number,
): number {
  return sort.field === 'name' && new Set(filter.roleIds).size === 1 && sizes.roles !== null
    ? sizes.roles
    : users;
}

/**
 * Whether a filter of counted facets (status, role, module) is read whole and sorted rather than
 * walked: its sizes, read exactly from the maintained counts, decide (`readWholeIsCheaper`), never
 * the planner's estimate. Any other filter is walked.
 */
async function readsWhole(
  db: Db,
  filter: UsersFilter | undefined,
  sort: UserSort,
  rows: number,
  options: ListUsersOptions,
  sums: SharedFacetSums | undefined,
): Promise<boolean> {
  if (!filter || isEmptyFilter(filter)) return false;
  const sizes = await countedFacetSizes(db, filter, sums);
  if (sizes === null) return false;
  if (options.countedFacetsReadWhole !== undefined) return options.countedFacetsReadWhole;
  return readWholeIsCheaper(sizes, walkedAmong(filter, sort, sizes, await estimatedUsers(db)), rows);
}

/** The search table's columns (`m`): a term's matches read, and a walk of its name or e-mail index (`searchTableWalk`). */
const MATCH_SORT_COLUMNS = sortColumnsOf('m', 'user_id', sql`r.name`);

/** The columns of a page cut from a term's matches (`p`), its role's name among them for a sort by role. */
const PAGE_SORT_COLUMNS = sortColumnsOf('p', 'user_id');

/** The search table's columns a term's matches are read with: every sort's keys and the role a condition or a sort reads. */
const MATCH_COLUMNS = sql`${userSearch.userId}, ${userSearch.lastName}, ${userSearch.firstName}, ${userSearch.email},
  ${userSearch.status}, ${userSearch.roleId}, ${userSearch.lastLoginAt}`;

/**
 * Whether pg_trgm can take trigrams from `%term%`, so that the trigram index narrows the search:
 * a run of three letters or digits, or of two followed by another character (its end is known).
 * Anything else ("an", "2@") would read the whole index; such a term is searched by reading the
 * table. Letters outside ASCII are letters where the database's character type says so
 * (`nonAsciiLetters`: C.UTF-8, as PGlite and Debian's PostgreSQL are created here), separators
 * under the C locale. Taken for separators there, "léa" and "sánc" read the whole table (57–97 ms
 * at 200,000 users) instead of their trigrams' matches (6–11 ms).
 */
export function usesTrigrams(term: string, nonAsciiLetters = false): boolean {
  return (nonAsciiLetters ? WORD_TRIGRAM : ASCII_WORD_TRIGRAM).test(term.toLowerCase());
}
const ASCII_WORD_TRIGRAM = /[a-z0-9]{3}|[a-z0-9]{2}[^a-z0-9]/;
const WORD_TRIGRAM = /[\p{L}\p{N}]{3}|[\p{L}\p{N}]{2}[^\p{L}\p{N}]/u;

/** Whether the database's pg_trgm takes letters outside ASCII as letters, read once per database handle. */
const nonAsciiLettersOf = new WeakMap<Db, boolean>();

export async function trigramsTakeNonAsciiLetters(db: Db): Promise<boolean> {
  const known = nonAsciiLettersOf.get(db);
  if (known !== undefined) return known;
  const [row] = await queryRows<{ letters: boolean }>(
    db,
    sql`select cardinality(show_trgm('ééé')) > 0 as letters`,
  );
  const letters = row?.letters ?? false;
  nonAsciiLettersOf.set(db, letters);
  return letters;
}

/** A page's ids, with the number of users of the filter when its path counted them on the way. */
export type PageOfIds = { keyed: KeyedId[]; total: number | null };

/**
 * How many users a search samples first (`searchSample`), to tell a term with many matches before
 * reading them: about 35 blocks of `users` (~1 ms at 1,000,000 users), exact on what it reads.
 * A term at 1 % of users has ~20 matches there (±5), enough to tell it from one at 0.2 % or 5 %.
 */
export const SEARCH_SAMPLE_ROWS = 2_000;
/** Below this many users every search reads its matches at once: the sample would cost as much. */
export const SEARCH_SAMPLED_FROM_USERS = 50_000;

/**
 * The share of the users table (percent) a search samples before reading its matches, or null when
 * it is small enough to read them at once. `users` is PostgreSQL's estimate of the users.
 */
export function searchSamplePercent(users: number): number | null {
  return users < SEARCH_SAMPLED_FROM_USERS ? null : (100 * SEARCH_SAMPLE_ROWS) / users;
}

/**
 * How many users hold `search`, predicted from `samplePercent` of the users table's blocks (the same
 * blocks every time), scaled to the whole table: one row, `predicted`. Blocks of `users`, not of the
 * search table: since migration 0032 the search table holds a last name's users together, and its
 * blocks found such a name in none or in several of them ("nowak", 2,608 of 200,000 users: 8,600 by
 * the search table's blocks, more than are read at once; 1,600 by the users'; 1 % of either).
 * `users` keeps its rows in the order they were written: users created, or changed, together (an
 * import of one company, a bulk change of a searched selection) are still sampled as a group.
 */
export const searchSample = (search: string, samplePercent: number): SQL =>
  sql`select count(*) filter (where ${searchDocumentOf(users)} like ${likeContains(search)}) * (100 / ${samplePercent}::float8) as predicted
      from ${users} tablesample system (${samplePercent}) repeatable (0)`;

/**
 * What a search's read of its matches found: the page (null when the term has more than `max`), how
 * many it read, and `predicted`, the term's matches by its sample (scaled to the table; null when
 * none was taken).
 */
export type SearchPageResult = {
  page: PageOfIds | null;
  /** How many matches were read; null when they were not counted (`keptAsRead`). */
  matchesRead: number | null;
  predicted: number | null;
};

/**
 * A searched page answered on the search table: up to `max` + 1 matches are read (the trigram index
 * or the table, chosen by the term's shape, never by the planner's estimate), and when there are no
 * more than `max` they are filtered, sorted and cut to the page there (and, when `countMatches`,
 * counted: every match is at hand, so the exact total costs no second search). No page when there
 * are more. With `samplePercent`, that share of the users table's blocks is read first (the same
 * blocks every time) and the term's matches in it tell how many it has: when more than `max`, none is read
 * ("globex", 250,000 matches at 1,000,000 users, built a 250,000-entry bitmap of the trigram index,
 * ~50 ms, before the page was walked). A page that is not counted, of a term its sample says has few
 * enough, is cut as its matches are read (`keptAsRead`): none is held to be counted first, and none
 * is refused for being one too many (the sample has decided; a term it underestimates is read
 * whole). "mart" by name at 1,000,000 users, its 24,911 matches on the pages of their names
 * (migration 0032), in process: see BENCHMARKS.md, issue 18, 2026-12-06.
 */
export async function searchPage(
  db: Db,
  filter: UsersFilter,
  references: FilterReferences,
  search: string,
  now: Date,
  sort: UserSort,
  after: KeysetStart | undefined,
  rows: number,
  max: number,
  countMatches: boolean,
  samplePercent: number | null,
): Promise<SearchPageResult> {
  const matching = await filterConditions(db, filter, now, SEARCH_TABLE_COLUMNS, references);
  const conditions = after ? [...matching, afterCursor(sort, after, MATCH_SORT_COLUMNS)] : matching;
  const total = !countMatches
    ? sql`null::int`
    : matching.length
      ? sql`(count(*) filter (where ${and(...matching)}))::int`
      : sql`count(*)::int`;
  const trigrams = usesTrigrams(search, await trigramsTakeNonAsciiLetters(db));
  // The sample's matches scaled to the whole table; the matches are read only when it has few enough.
  const sample =
    samplePercent === null ? sql`select 0::float8 as predicted` : searchSample(search, samplePercent);
  // Not counted, and few enough by its sample: the page is kept as the matches stream by (a top-N
  // sort), none kept whole to be counted first. `offset 0`: they are read on the trigram index, never
  // by walking the sort's index with the term checked user by user (ordered and cut at the page,
  // PostgreSQL may take that walk for a term with many matches far into the order).
  // The page's keys are made for its rows alone, after the cut (an array of texts for every match
  // was 6 of the 17 ms of "mart"'s 25,000 matches, psql, warm).
  const keptAsRead = async (tx: Db): Promise<SearchPageResult> => {
    const found = await queryRows<{ predicted: number; id: string | null; key: string[] | null }>(
      tx,
      sql`with s as materialized (${sample})
          select s.predicted, p.id, p.key from s left join lateral (
            select p.user_id as id, ${keyText(sort.field, PAGE_SORT_COLUMNS)} as key from (
              select m.user_id, m.last_name, m.first_name, m.email, m.status, m.last_login_at,
                ${sort.field === 'role' ? sql`r.name` : sql`null::text`} as role_name
              from (
                select ${MATCH_COLUMNS} from ${userSearch}
                where ${searchMatches(search)} and s.predicted <= ${max}
                offset 0
              ) m ${sort.field === 'role' ? sql`join ${roles} r on r.id = m.role_id` : sql``}
              order by ${sql.join(orderBy(sort, MATCH_SORT_COLUMNS), sql`, `)}
              limit ${rows}
            ) p
            order by ${sql.join(orderBy(sort, PAGE_SORT_COLUMNS), sql`, `)}
          ) p on true`,
    );
    const predicted = found[0]?.predicted ?? 0;
    if (predicted > max) return { page: null, matchesRead: 0, predicted };
    return {
      page: { keyed: found.flatMap((r) => (r.id && r.key ? [{ id: r.id, key: r.key }] : [])), total: null },
      matchesRead: null,
      predicted,
    };
  };
  const run = async (tx: Db): Promise<SearchPageResult> => {
    const found = await queryRows<{
      n: number;
      more: boolean;
      total: number | null;
      predicted: number;
      id: string | null;
      key: string[] | null;
    }>(
      tx,
      sql`with s as materialized (${sample}), m as materialized (
            select ${MATCH_COLUMNS} from ${userSearch}
            where ${searchMatches(search)} and (select predicted from s) <= ${max}
            limit ${max + 1}
          ), counted as (
            select count(*)::int as n, count(*) > ${max} or (select predicted from s) > ${max} as more,
              ${total} as total, (select predicted from s) as predicted
            from m
          )
          select counted.n, counted.more, counted.total, counted.predicted, p.id, p.key from counted left join lateral (
            select m.user_id as id, ${keyText(sort.field, MATCH_SORT_COLUMNS)} as key
            from m ${sort.field === 'role' ? sql`join ${roles} r on r.id = m.role_id` : sql``}
            where not counted.more ${conditions.length ? sql`and ${and(...conditions)}` : sql``}
            order by ${sql.join(orderBy(sort, MATCH_SORT_COLUMNS), sql`, `)}
            limit ${rows}
          ) p on true`,
    );
    const head = found[0];
    const matchesRead = head?.n ?? 0;
    const predicted = samplePercent === null || !head ? null : head.predicted;
    if (!head || head.more) return { page: null, matchesRead, predicted };
    return {
      page: {
        keyed: found.flatMap((r) => (r.id && r.key ? [{ id: r.id, key: r.key }] : [])),
        total: head.total,
      },
      matchesRead,
      predicted,
    };
  };
  // Only for the term alone on a first page (no condition, no cursor: `keptAsRead` reads none): a
  // read whole costs ~1 µs a match, where another condition may cost a lookup each (a creation date:
  // 22,000 lookups, 620 ms, for a term its sample put at 0): a sample of whole blocks underestimates
  // a term whose users came together (an import of one company).
  const reads = !countMatches && samplePercent !== null && conditions.length === 0 ? keptAsRead : run;
  // A term without trigrams ("an", "2@") reads the search table once, in order, never an index.
  return trigrams ? amongTrigramMatches(db, reads) : withLocalSettings(db, SCANNED_MATCHES, reads);
}

/** The planner settings of a search whose term has no trigrams: the table read, matches sorted in memory. */
const SCANNED_MATCHES = { enable_bitmapscan: 'off', enable_indexscan: 'off', work_mem: '32MB' } as const;

/**
 * The columns of a bounded walk's users (`w`): those of a name or an e-mail sort, the only sorts it
 * serves (the others are not selected; naming one is an error of PostgreSQL's, never a wrong order).
 */
const WALKED_SORT_COLUMNS = sortColumnsOf('w', 'id');

/**
 * The next users of a name or e-mail sort, at most `window` of them, kept when they match the term:
 * a walk of the sort's index that stops early whatever the term.
 */
async function boundedWalk(
  db: Db,
  conditions: SQL[],
  search: string,
  sort: UserSort,
  after: KeysetStart | undefined,
  rows: number,
  window: number,
): Promise<KeyedId[]> {
  const next = db
    .select({
      id: users.id,
      lastName: users.lastName,
      firstName: users.firstName,
      email: users.email,
      key: keyText(sort.field).as('key'),
    })
    .from(users)
    .where(and(...conditions, after ? afterCursor(sort, after) : undefined))
    .orderBy(...orderBy(sort))
    .limit(window);
  // The outer order is the walk's own, on the walked columns: PostgreSQL keeps the walk's order, and
  // stops walking once the page is full (sorting on the key read the whole window first).
  return inIndexOrder(db, (walker) =>
    queryRows<KeyedId>(
      walker,
      sql`select w.id, w.key from (${next}) w
        where (select s.document from ${userSearch} s where s.user_id = w.id) like ${likeContains(search)}
        order by ${sql.join(orderBy(sort, WALKED_SORT_COLUMNS), sql`, `)} limit ${rows}`,
    ),
  );
}

/** The columns of the search table a walk in the sort's order reads: its index's own, so the scan is index-only. */
function searchTableWalkColumns(sort: UserSort): SQL {
  return sort.field === 'email'
    ? sql`m.user_id, m.email, m.document`
    : sql`m.user_id, m.last_name, m.first_name, m.document`;
}

/**
 * The next users in name or e-mail order whose search document holds the term, until the page is
 * full, read from the search table's index of that order alone (`user_search_name_idx`,
 * `user_search_email_idx`: each holds the document, an index-only scan where the table is vacuumed).
 * Walking the users' name index looked each user's search row up by key: 3,745 users walked for a
 * page of "lars" at 200,000 users took ~10 ms that way, 0.9 ms here.
 */
async function searchTableWalk(
  db: Db,
  search: string,
  sort: UserSort,
  after: KeysetStart | undefined,
  rows: number,
): Promise<KeyedId[]> {
  const c = MATCH_SORT_COLUMNS;
  return inIndexOrder(db, (walker) =>
    queryRows<KeyedId>(
      walker,
      sql`select m.user_id as id, ${keyText(sort.field, c)} as key from ${userSearch} m
        where m.document like ${likeContains(search)} ${after ? sql`and ${afterCursor(sort, after, c)}` : sql``}
        order by ${sql.join(orderBy(sort, c), sql`, `)} limit ${rows}`,
    ),
  );
}

/**
 * What a walk of at most `window` users found: the matches among them (up to the page), and whether
 * they are the page (`complete`): it is full, or the walk passed the last user of the order (the
 * last page of a view ends before the window does).
 */
type WindowWalk = { keyed: KeyedId[]; complete: boolean };

/**
 * `searchTableWalk` over at most `window` users. The walk numbers its users; the one that closes a
 * full window is returned beside the matches (`cut`), so that a window that ended with the order
 * (no such row) is known to hold the page however short it is. Numbered over a ROWS frame, the walk
 * never compares a user's sort key with the next one's (the default RANGE frame looks for ties):
 * 4,000 users walked in 2.5 ms instead of 3.2 (without numbering, 1.7–2.4).
 *
 * `conditions` are the filter's others (a status, a role, a module…), on the search table's columns
 * (`SEARCH_TABLE_COLUMNS`, alias `m`): checked, by the user's key, for the walked users whose
 * document holds the term alone, so the walk stays index-only. "david" + active, a next page at
 * 200,000 users: the users' name index walked with each user's search row looked up by key took
 * 18–36 ms alone (up to 500 ms under 20 administrators' load); here 7,461 users walked and 78 looked
 * up, 5.5–6.4 ms (psql, warm), and the whole request 31–42 ms against 44–84.
 */
async function searchTableWindow(
  db: Db,
  search: string,
  sort: UserSort,
  after: KeysetStart | undefined,
  rows: number,
  window: number,
  conditions: readonly SQL[] = [],
): Promise<WindowWalk> {
  const c = MATCH_SORT_COLUMNS;
  const order = sql.join(orderBy(sort, c), sql`, `);
  const pattern = likeContains(search);
  // The conditions name their own `m`, the walked user's search row read by key (`walked_id` is the
  // walk's): after the term, so only a user whose document holds it is read. `offset 0` keeps it a
  // lookup per match: without it PostgreSQL may hash every user the conditions hold for first (a
  // read of 140,000 active users for a page of "david" + active, 167 ms).
  const hit = conditions.length
    ? sql`m.document like ${pattern} and exists (
        select 1 from ${userSearch} m where m.user_id = walked_id and ${and(...conditions)} offset 0)`
    : sql`m.document like ${pattern}`;
  const found = await inIndexOrder(db, (walker) =>
    queryRows<KeyedId & { hit: boolean; cut: boolean }>(
      walker,
      // A row before the window's last is here for being a match: its match is not checked twice.
      sql`select m.user_id as id, ${keyText(sort.field, c)} as key,
          case when m.n = ${window} then ${hit} else true end as hit, m.n = ${window} as cut
        from (
          select ${searchTableWalkColumns(sort)}, m.user_id as walked_id,
            row_number() over (order by ${order} rows unbounded preceding) as n
          from ${userSearch} m ${after ? sql`where ${afterCursor(sort, after, c)}` : sql``}
          order by ${order} limit ${window}
        ) m
        where (${hit}) or m.n = ${window}
        order by ${order} limit ${rows + 1}`,
    ),
  );
  const keyed = found.filter((r) => r.hit).slice(0, rows);
  return {
    keyed: keyed.map(({ id, key }) => ({ id, key })),
    // A window of no users walked none: it knows nothing of the page.
    complete: keyed.length >= rows || (window > 0 && !found.some((r) => r.cut)),
  };
}

/**
 * What a page's caller may add: the filter's references, when it has read them already
 * (`filterReferences`), its sums on the maintained counts when it reads them too (`sharedFacetSums`),
 * and whether to count a search's users where its every match is read anyway.
 */
export type PageIdsExtras = {
  references?: FilterReferences;
  sums?: SharedFacetSums;
  countMatches?: boolean;
};

/**
 * The ids of the page (and one more, to know whether another page follows), in order; with the
 * filter's total when `countMatches` and the path read a search's every match (null otherwise).
 */
export async function pageIds(
  db: Db,
  filter: UsersFilter | undefined,
  now: Date,
  sort: UserSort,
  after: KeysetStart | undefined,
  rows: number,
  options: ListUsersOptions,
  extras: PageIdsExtras = {},
): Promise<PageOfIds> {
  const search = filter?.search;
  const references = extras.references ?? (await filterReferences(db, filter));
  const conditions = await filterConditions(db, filter, now, undefined, references);
  const uncounted = (keyed: KeyedId[]): PageOfIds => ({ keyed, total: null });
  if (!filter || !search) {
    return uncounted(
      (await readsWhole(db, filter, sort, rows, options, extras.sums))
        ? await sortedWhole(db, conditions, sort, after, rows)
        : await walk(db, filter, conditions, sort, after, rows),
    );
  }
  const nameOrEmail = sort.field === 'name' || sort.field === 'email';
  // Sorted by name or e-mail with nothing but the term, a walk of the search table's own index of the
  // order costs ~0.2 µs a user, a fifteenth or less of reading one match: its window is walked first,
  // for any page (a counted one then counts the matches alone, about half the cost of reading them).
  // The walk goes over the search table's own index of the order (`user_search_name_idx`,
  // `user_search_email_idx`).
  const searchTableWalked = nameOrEmail && conditions.length === 0;
  if (searchTableWalked) {
    const window = options.searchWalkWindow ?? searchTableWalkWindow(await estimatedUsers(db));
    const near = await searchTableWindow(db, search, sort, after, rows, window);
    if (near.complete) return uncounted(near.keyed);
  }
  // The next page of a term clustered in the sort's order (a last name by name) starts inside the
  // cluster: a few users walked from the cursor fill it, where reading every match cost a page each.
  if (nameOrEmail && !searchTableWalked && after && !extras.countMatches) {
    const window = options.searchCursorWalkWindow ?? rows * SEARCH_CURSOR_WALK_PAGES;
    const next = await boundedWalk(db, conditions, search, sort, after, rows, window);
    if (next.length >= rows) return uncounted(next);
  }
  const tableUsers = await estimatedUsers(db);
  const samplePercent =
    options.searchSamplePercent === undefined ? searchSamplePercent(tableUsers) : options.searchSamplePercent;
  const sortedMatches = (max: number) =>
    searchPage(
      db,
      filter,
      references,
      search,
      now,
      sort,
      after,
      rows,
      max,
      extras.countMatches ?? false,
      samplePercent,
    );
  const rare = await sortedMatches(
    options.searchMatchesSortedMax ?? searchMatchesSortedMax(tableUsers, rows, extras.countMatches),
  );
  if (rare.page) return rare.page;
  // More matches than are read at once, and other conditions beside the term: the search table's
  // index of the order is walked first, the conditions checked for its matches alone (a first name +
  // a status, whose matches are spread over the order). A term clustered far into the order, or
  // conditions few of its matches meet, leave the page to the users' walk after it.
  if (nameOrEmail && !searchTableWalked) {
    const others = await filterConditions(db, filter, now, SEARCH_TABLE_COLUMNS, references);
    const window = options.searchConditionsWalkWindow ?? conditionsWalkWindow(tableUsers, rare.predicted);
    const near = await searchTableWindow(db, search, sort, after, rows, window, others);
    if (near.complete) return uncounted(near.keyed);
  }
  if (nameOrEmail && !searchTableWalked) {
    const near = await boundedWalk(
      db,
      conditions,
      search,
      sort,
      after,
      rows,
      options.searchWalkWindow ?? SEARCH_WALK_WINDOW,
    );
    if (near.length >= rows) return uncounted(near);
  }
  if (nameOrEmail) {
    const sorted = await sortedMatches(
      options.searchMatchesSortedClusteredMax ?? SEARCH_MATCHES_SORTED_CLUSTERED_MAX,
    );
    if (sorted.page) return sorted.page;
  }
  // Many matches: walked in name or e-mail order on the search table, or with a lookup of each walked user's
  // search row (never turned into a join of every match).
  if (searchTableWalked) return uncounted(await searchTableWalk(db, search, sort, after, rows));
  conditions.push(
    sql`(select s.document from ${userSearch} s where s.user_id = ${users.id}) like ${likeContains(search)}`,
  );
  return uncounted(await walk(db, filter, conditions, sort, after, rows));
}

/**
 * The rows of these users as the list shows them, in the order of `ids` (a missing user is left out).
 * The ids (read from the database) travel as one parameter: one statement text whatever the page's
 * length, prepared once per connection, and looked up by key (`keyedLookups`: its plan is the same for
 * any ids, made once).
 */
export async function listedUsers(db: Db, ids: readonly string[]) {
  const rows = ids.length
    ? await selectPage(keyedLookups(db)).where(sql`${users.id} = any(${uuidList(ids)})`)
    : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const { invitation, ...user } = row;
    return [{ ...user, invitation: invitation?.expiresAt ? invitation : null }];
  });
}

/** How many users of the filter sort before `prefix`: the position in the whole result a jump lands at. */
async function countBeforePrefix(
  db: Db,
  filter: UsersFilter | undefined,
  references: FilterReferences,
  now: Date,
  sort: UserSort,
  prefix: string,
): Promise<number> {
  const condition = await usersFilterCondition(db, filter, now, references);
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(condition, beforePrefix(sort, prefix)));
  return row?.n ?? 0;
}

/**
 * One page of the users matching a filter, in a stable order, with keyset paging (no OFFSET). The
 * page's ids are found first, on the narrowest path for its filter and sort, and `users` is read for
 * them alone. The first page counts the matching users exactly, unless asked not to (`count: false`:
 * the web app shows the rows at once and asks `users.count` beside them); the cursor carries that
 * total to the next pages.
 *
 * A list can start at its end (`from: 'end'`) or at a prefix of its name or e-mail key (`from:
 * { prefix }`), and page backward from a page's `prevCursor` (`direction: 'backward'`): the rows
 * before a position are the first ones of the reversed sort from there, read on the same index, so
 * no page on the way is read. `offset` is the first row's position in the whole result (from 0):
 * the end's is the total less the page, a prefix's the number of users before it, and cursors carry it.
 */
export async function listUsers(db: Db, input: UsersListInput, now: Date, options: ListUsersOptions = {}) {
  const sort = input.sort ?? DEFAULT_USER_SORT;
  const limit = input.limit ?? USERS_PAGE_DEFAULT;
  const cursor = input.cursor === undefined ? undefined : decodeCursor(sort, input.filter, input.cursor);
  const from = cursor ? undefined : input.from;
  const prefix = from && from !== 'end' ? listStartPrefix(sort.field, from.prefix) : undefined;
  const backward = cursor ? input.direction === 'backward' : from === 'end';
  const start: KeysetStart | undefined = cursor
    ? cursor.values
    : prefix !== undefined
      ? { prefix }
      : undefined;
  // The filter's roles and unit are read once, for the page and its counts alike.
  const references = await filterReferences(db, input.filter);
  const counting = !cursor && (input.count !== false || from === 'end');
  // A search's page may read its every match: it is counted then, and only otherwise afterwards.
  const countAfterPage = counting && Boolean(input.filter?.search);
  // A filter of counted facets is summed once, to choose the page's path and to count it.
  const sums = sharedFacetSums(db, input.filter);
  const [found, counted, before] = await Promise.all([
    pageIds(db, input.filter, now, backward ? reversed(sort) : sort, start, limit + 1, options, {
      references,
      sums,
      countMatches: countAfterPage,
    }),
    cursor
      ? cursor.total
      : counting && !countAfterPage
        ? countUsers(db, input.filter, now, references, sums)
        : null,
    prefix !== undefined ? countBeforePrefix(db, input.filter, references, now, sort, prefix) : null,
  ]);
  const total = countAfterPage
    ? (found.total ?? (await countUsers(db, input.filter, now, references)))
    : counted;
  const keyed = found.keyed;
  const more = keyed.length > limit;
  const page = keyed.slice(0, limit);
  if (backward) page.reverse();
  const offset = cursor
    ? cursor.offset === null
      ? null
      : backward
        ? cursor.offset - page.length
        : cursor.offset + 1
    : from === 'end'
      ? total === null
        ? null
        : total - page.length
      : (before ?? 0);
  const items = await listedUsers(
    db,
    page.map((r) => r.id),
  );
  const first = page[0];
  const last = page.at(-1);
  const at = (index: number) => (offset === null ? null : offset + index);
  /** Rows after the page: more of a forward walk, or the cursor's own row after a backward page. */
  const after = backward ? Boolean(cursor) : more;
  /** Rows before it: more of a backward walk, the cursor's row before a forward one, those before a prefix. */
  const beforePage = backward ? more : Boolean(cursor) || (before ?? 0) > 0;
  const nextCursor =
    after && last ? encodeCursor(sort, input.filter, last.key, total, at(page.length - 1)) : null;
  const prevCursor = beforePage && first ? encodeCursor(sort, input.filter, first.key, total, at(0)) : null;
  return {
    items,
    nextCursor,
    /** Where the rows before this page end (page with `direction: 'backward'`); null at the start. */
    prevCursor,
    /** The position of the page's first row in the whole result, from 0; null when not known. */
    offset,
    /** The exact number of users matching the filter; null when the caller asked not to count. */
    total,
  };
}

export type ListedUser = Awaited<ReturnType<typeof listUsers>>['items'][number];
