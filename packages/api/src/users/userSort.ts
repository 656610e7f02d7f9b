import { createHash } from 'node:crypto';
import { roles, users } from '@roster/db';
import {
  DomainError,
  USER_STATUSES,
  type UserSort,
  type UserSortField,
  type UsersFilter,
} from '@roster/domain';
import { type AnyColumn, asc, desc, type SQL, sql } from 'drizzle-orm';

type KeyType = 'text' | 'uuid' | 'timestamptz' | 'user_status';

/** One column of a sort key: how to read it from SQL and its type, for the keyset comparison. */
type SortKeyPart = { expression: AnyColumn | SQL; type: KeyType };

/**
 * Every sort ends in a unique column, so paging never skips or repeats a row. `created` sorts by id:
 * ids are UUIDv7, ordered by creation time. Never-signed-in users sort as the earliest sign-ins.
 */
const SORT_KEYS: Record<UserSortField, SortKeyPart[]> = {
  name: [
    { expression: users.lastName, type: 'text' },
    { expression: users.firstName, type: 'text' },
    { expression: users.id, type: 'uuid' },
  ],
  email: [{ expression: users.email, type: 'text' }],
  status: [
    { expression: users.status, type: 'user_status' },
    { expression: users.id, type: 'uuid' },
  ],
  role: [
    { expression: roles.name, type: 'text' },
    { expression: users.id, type: 'uuid' },
  ],
  created: [{ expression: users.id, type: 'uuid' }],
  lastLogin: [
    // Milliseconds, like the JavaScript dates a cursor is made from.
    {
      expression: sql`coalesce(date_trunc('milliseconds', ${users.lastLoginAt}), '-infinity'::timestamptz)`,
      type: 'timestamptz',
    },
    { expression: users.id, type: 'uuid' },
  ],
};

export function orderBy(sort: UserSort): SQL[] {
  return SORT_KEYS[sort.field].map((part) =>
    sort.direction === 'asc' ? asc(part.expression) : desc(part.expression),
  );
}

/** Rows strictly after the cursor's row in this sort (a row comparison the sort's index can serve). */
export function afterCursor(sort: UserSort, values: string[]): SQL {
  const parts = SORT_KEYS[sort.field];
  const left = sql.join(
    parts.map((p) => sql`${p.expression}`),
    sql`, `,
  );
  const right = sql.join(
    parts.map((p, i) => sql`${values[i]}::${sql.raw(p.type)}`),
    sql`, `,
  );
  return sort.direction === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
}

/** Where the next page starts, for which view, and the first page's exact total (null: not counted). */
export type Cursor = { view: string; values: string[]; total: number | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function validValue(type: KeyType, value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 500 || value.includes('\u0000')) return false;
  switch (type) {
    case 'text':
      return true;
    case 'uuid':
      return UUID.test(value);
    case 'timestamptz':
      return value === '-infinity' || (ISO_MILLIS.test(value) && new Date(value).toISOString() === value);
    case 'user_status':
      return (USER_STATUSES as readonly string[]).includes(value);
  }
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
): string {
  const cursor: Cursor = { view: viewId(sort, filter), values, total };
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor(sort: UserSort, filter: UsersFilter | undefined, encoded: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new DomainError('invalid_cursor');
  }
  const parts = SORT_KEYS[sort.field];
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    !('view' in parsed && 'values' in parsed && 'total' in parsed) ||
    parsed.view !== viewId(sort, filter) ||
    !Array.isArray(parsed.values) ||
    parsed.values.length !== parts.length ||
    (parsed.total !== null &&
      (typeof parsed.total !== 'number' || !Number.isInteger(parsed.total) || parsed.total < 0))
  ) {
    throw new DomainError('invalid_cursor');
  }
  const values: string[] = [];
  for (const [i, part] of parts.entries()) {
    const value: unknown = parsed.values[i];
    if (!validValue(part.type, value)) throw new DomainError('invalid_cursor');
    values.push(value);
  }
  return { view: parsed.view, values, total: parsed.total };
}
