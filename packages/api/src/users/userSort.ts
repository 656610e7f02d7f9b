import { createHash } from 'node:crypto';
import { roles, users } from '@roster/db';
import {
  DomainError,
  isSupportedInstant,
  USER_STATUSES,
  type UserSort,
  type UserSortField,
  type UsersFilter,
} from '@roster/domain';
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';

type KeyType = 'text' | 'uuid' | 'timestamptz' | 'user_status';

/** One column of a sort key: how to read it from SQL and its type, for the keyset comparison. */
export type SortKeyPart = { expression: SQLWrapper; type: KeyType };

/** The columns a sort reads: those of `users` (and `roles`), or the search table's copy. */
export type SortColumns = {
  id: SQLWrapper;
  lastName: SQLWrapper;
  firstName: SQLWrapper;
  email: SQLWrapper;
  status: SQLWrapper;
  roleName: SQLWrapper;
  lastLoginAt: SQLWrapper;
};

export const USERS_SORT_COLUMNS: SortColumns = {
  id: users.id,
  lastName: users.lastName,
  firstName: users.firstName,
  email: users.email,
  status: users.status,
  roleName: roles.name,
  lastLoginAt: users.lastLoginAt,
};

/**
 * The last sign-in as its sort key: never-signed-in users sort as the earliest sign-ins. The same
 * expression as the index `users_status_last_login_idx`, so a walk of that index serves the sort.
 */
export const lastLoginKey = (lastLoginAt: SQLWrapper): SQL =>
  sql`coalesce(${lastLoginAt}, '-infinity'::timestamptz)`;

/**
 * Every sort ends in a unique column, so paging never skips or repeats a row. `created` sorts by id:
 * ids are UUIDv7, ordered by creation time.
 */
export function sortKey(field: UserSortField, c: SortColumns = USERS_SORT_COLUMNS): SortKeyPart[] {
  switch (field) {
    case 'name':
      return [
        { expression: c.lastName, type: 'text' },
        { expression: c.firstName, type: 'text' },
        { expression: c.id, type: 'uuid' },
      ];
    case 'email':
      return [{ expression: c.email, type: 'text' }];
    case 'status':
      return [
        { expression: c.status, type: 'user_status' },
        { expression: c.id, type: 'uuid' },
      ];
    case 'role':
      return [
        { expression: c.roleName, type: 'text' },
        { expression: c.id, type: 'uuid' },
      ];
    case 'created':
      return [{ expression: c.id, type: 'uuid' }];
    case 'lastLogin':
      return [
        { expression: lastLoginKey(c.lastLoginAt), type: 'timestamptz' },
        { expression: c.id, type: 'uuid' },
      ];
  }
}

export function orderBy(sort: UserSort, c: SortColumns = USERS_SORT_COLUMNS): SQL[] {
  return sortKey(sort.field, c).map((part) =>
    sort.direction === 'asc' ? sql`${part.expression} asc` : sql`${part.expression} desc`,
  );
}

/**
 * A row's sort key as text, exactly (timestamps to the microsecond, in UTC), so that a cursor made
 * from it compares with the stored values without rounding.
 */
export function keyText(field: UserSortField, c: SortColumns = USERS_SORT_COLUMNS): SQL<string[]> {
  const parts = sortKey(field, c).map((part) =>
    part.type === 'timestamptz'
      ? sql`case when ${part.expression} = '-infinity'::timestamptz then '-infinity'
          else to_char(${part.expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') end`
      : sql`${part.expression}::text`,
  );
  return sql<string[]>`array[${sql.join(parts, sql`, `)}]::text[]`;
}

/**
 * Where a walk of the sort starts: strictly after a row's key (a cursor's values), or at the first row
 * whose leading key (last name, e-mail) is at or past a prefix in the sort's direction.
 */
export type KeysetStart = string[] | { prefix: string };

/**
 * The highest code point: under the C collation, every text that begins with a prefix sorts before
 * the prefix followed by it, so a descending walk from there starts at the prefix's last row.
 */
const LAST_CHARACTER = '\u{10FFFF}';

/** The same sort, the other way round: the rows before a position are the first ones of its reverse. */
export function reversed(sort: UserSort): UserSort {
  return { field: sort.field, direction: sort.direction === 'asc' ? 'desc' : 'asc' };
}

/**
 * Rows strictly after the cursor's row in this sort (a row comparison the sort's index can serve), or
 * from a prefix on: its leading key column's range, which the same index serves.
 */
export function afterCursor(sort: UserSort, start: KeysetStart, c: SortColumns = USERS_SORT_COLUMNS): SQL {
  const parts = sortKey(sort.field, c);
  if (!Array.isArray(start)) {
    const [leading] = parts;
    if (leading?.type !== 'text') throw new DomainError('invalid_start');
    return sort.direction === 'asc'
      ? sql`${leading.expression} >= ${start.prefix}`
      : sql`${leading.expression} <= ${start.prefix + LAST_CHARACTER}`;
  }
  const left = sql.join(
    parts.map((p) => sql`${p.expression}`),
    sql`, `,
  );
  const right = sql.join(
    parts.map((p, i) => sql`${start[i]}::${sql.raw(p.type)}`),
    sql`, `,
  );
  return sort.direction === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
}

/** The rows a walk from `prefix` passes over: those before it in the sort (their number is its position). */
export function beforePrefix(sort: UserSort, prefix: string, c: SortColumns = USERS_SORT_COLUMNS): SQL {
  const [leading] = sortKey(sort.field, c);
  if (leading?.type !== 'text') throw new DomainError('invalid_start');
  return sort.direction === 'asc'
    ? sql`${leading.expression} < ${prefix}`
    : sql`${leading.expression} > ${prefix + LAST_CHARACTER}`;
}

/**
 * Compares two last-sign-in keys (timestamp text, then uuid text) as PostgreSQL orders them: both
 * are fixed-width ASCII, and '-infinity' sorts before any digit.
 */
export function compareLastLoginKeys(direction: UserSort['direction'], a: string[], b: string[]): number {
  for (const [i, x] of a.entries()) {
    const y = b[i] ?? '';
    if (x !== y) return (x < y ? -1 : 1) * (direction === 'asc' ? 1 : -1);
  }
  return 0;
}

/**
 * Where the next page starts, for which view, the first page's exact total (null: not counted), and
 * the position of the cursor's row in the whole result, from 0 (null: unknown, a cursor of an older
 * server).
 */
export type Cursor = { view: string; values: string[]; total: number | null; offset: number | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function validValue(type: KeyType, value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 500 || value.includes('\u0000')) return false;
  switch (type) {
    case 'text':
      return true;
    case 'uuid':
      return UUID.test(value);
    case 'timestamptz':
      return value === '-infinity' || (ISO_MICROS.test(value) && isReadableInstant(value));
    case 'user_status':
      return (USER_STATUSES as readonly string[]).includes(value);
  }
}

/**
 * Whether PostgreSQL reads an instant of a cursor as the instant it names: a real day (JavaScript
 * takes 30 February for 2 March; PostgreSQL refuses it) in the years Roster supports.
 */
function isReadableInstant(value: string): boolean {
  const at = new Date(value);
  return isSupportedInstant(at) && at.toISOString().slice(0, 19) === value.slice(0, 19);
}

/** A cursor belongs to one filter and sort: used with another view it would start anywhere. */
function viewId(sort: UserSort, filter: UsersFilter | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([sort.field, sort.direction, filter ?? {}]))
    .digest('base64url')
    .slice(0, 16);
}

export function encodeCursor(
  sort: UserSort,
  filter: UsersFilter | undefined,
  values: string[],
  total: number | null,
  offset: number | null,
): string {
  const cursor: Cursor = { view: viewId(sort, filter), values, total, offset };
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** A number of rows, or null (not known). */
function isCount(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);
}

export function decodeCursor(sort: UserSort, filter: UsersFilter | undefined, encoded: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new DomainError('invalid_cursor');
  }
  const parts = sortKey(sort.field);
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    !('view' in parsed && 'values' in parsed && 'total' in parsed) ||
    parsed.view !== viewId(sort, filter) ||
    !Array.isArray(parsed.values) ||
    parsed.values.length !== parts.length ||
    !isCount(parsed.total) ||
    !('offset' in parsed ? isCount(parsed.offset) : true)
  ) {
    throw new DomainError('invalid_cursor');
  }
  const values: string[] = [];
  for (const [i, part] of parts.entries()) {
    const value: unknown = parsed.values[i];
    if (!validValue(part.type, value)) throw new DomainError('invalid_cursor');
    values.push(value);
  }
  const offset = 'offset' in parsed && typeof parsed.offset === 'number' ? parsed.offset : null;
  return { view: parsed.view, values, total: parsed.total, offset };
}
