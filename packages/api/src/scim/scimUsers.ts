import { type Db, queryRows, roles, scimExternalIds, users } from '@roster/db';
import {
  IMPORT_DEFAULT_ROLE,
  SCIM_LIST_SCHEMA,
  ScimError,
  type ScimGroupRole,
  type ScimUserRow,
  toScimUser,
} from '@roster/domain';
import { and, asc, count, desc, eq, type SQL, sql } from 'drizzle-orm';
import { countUsers } from '../users/countUsers';
import { userIdentityColumns } from '../users/userColumns';
import { normalizeAttributePath, scimFilterCondition } from './scimFilter';

/** Page size when a client asks none, and the most one page holds (ServiceProviderConfig filter.maxResults). */
export const SCIM_PAGE_DEFAULT = 100;
export const SCIM_PAGE_MAX = 1_000;

export function selectScimUsers(db: Db) {
  return db
    .select({
      ...userIdentityColumns,
      roleId: users.roleId,
      roleName: roles.name,
      createdAt: users.createdAt,
      updatedAt: users.updatedAt,
      version: users.version,
      externalId: scimExternalIds.externalId,
    })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .leftJoin(scimExternalIds, eq(scimExternalIds.userId, users.id));
}

/** Where a user's resource lives: the Location header and `meta.location`. */
export function scimUserLocation(baseUrl: string, id: string): string {
  return `${baseUrl}/Users/${id}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One user's row, or 404 (an id that is no UUID is no user's). */
export async function findScimUser(db: Db, id: string): Promise<ScimUserRow> {
  if (!UUID.test(id)) throw new ScimError(404, null, `No user has the id ${id}.`);
  const [row] = await selectScimUsers(db).where(eq(users.id, id.toLowerCase()));
  if (!row) throw new ScimError(404, null, `No user has the id ${id}.`);
  return row;
}

export type ScimListQuery = {
  filter?: string | undefined;
  startIndex?: string | undefined;
  count?: string | undefined;
  sortBy?: string | undefined;
  sortOrder?: string | undefined;
};

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^-?\d+$/.test(value)) throw new ScimError(400, 'invalidValue', `${name} is an integer.`);
  // Past what a page can reach, a start is no further than the last result (an empty page).
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Number(value)));
}

/** The sort orders a list takes, each on an index of `users` (RFC 7644 §3.4.2.3). */
function sortOrder(sortBy: string | undefined, descending: boolean): SQL[] {
  const direction = descending ? desc : asc;
  switch (sortBy === undefined ? 'id' : normalizeAttributePath(sortBy)) {
    case 'username':
    case 'emails':
    case 'emails.value':
      return [direction(users.email)];
    case 'name.familyname':
      return [direction(users.lastName), direction(users.firstName), direction(users.id)];
    case 'id':
    case 'meta.created':
      return [direction(users.id)];
    default:
      throw new ScimError(400, 'invalidValue', `Users cannot be sorted by ${sortBy}.`);
  }
}

/**
 * GET /Users: the users a filter matches, as SCIM pages them (`startIndex` from 1, `count`), in a
 * stable order; `totalResults` is exact. The filter is SQL (`scimFilterCondition`).
 */
export async function listScimUsers(db: Db, query: ScimListQuery, baseUrl: string, now: Date) {
  const condition = scimFilterCondition(query.filter);
  const startIndex = Math.max(1, positiveInteger(query.startIndex, 'startIndex', 1));
  const pageSize = Math.min(
    SCIM_PAGE_MAX,
    Math.max(0, positiveInteger(query.count, 'count', SCIM_PAGE_DEFAULT)),
  );
  const order = sortOrder(query.sortBy, query.sortOrder?.toLowerCase() === 'descending');
  const [rows, total] = await Promise.all([
    pageSize === 0
      ? Promise.resolve([])
      : selectScimUsers(db)
          .where(condition)
          .orderBy(...order)
          .limit(pageSize)
          .offset(startIndex - 1),
    // No filter: the maintained counts of the users list; else the same condition, counted.
    condition === undefined
      ? countUsers(db, undefined, now)
      : db
          .select({ n: count() })
          .from(users)
          .where(and(condition))
          .then(([row]) => row?.n ?? 0),
  ]);
  return {
    schemas: [SCIM_LIST_SCHEMA],
    totalResults: total,
    startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((row) => toScimUser(row, scimUserLocation(baseUrl, row.id))),
  };
}

/**
 * The role a user created by SCIM gets: the one an import gives by default; also the role the
 * members leaving a group go back to.
 */
export async function defaultScimRole(db: Db): Promise<ScimGroupRole> {
  const [row] = await queryRows<ScimGroupRole>(
    db,
    sql`select id::text as id, name, is_admin as "isAdmin" from roles
      where lower(name) = ${IMPORT_DEFAULT_ROLE.toLowerCase()} limit 1`,
  );
  if (!row) throw new Error(`The ${IMPORT_DEFAULT_ROLE} role is missing`);
  return row;
}
