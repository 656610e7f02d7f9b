import {
  type Db,
  invitations,
  likeContains,
  moduleAccess,
  orgUnits,
  queryRows,
  roles,
  userRights,
  userScopes,
  userSearch,
  users,
} from '@roster/db';
import {
  createdRange,
  DomainError,
  lastSignInCutoff,
  MODULES,
  RIGHTS,
  type Right,
  type UsersFilter,
} from '@roster/domain';
import { and, eq, exists, gt, inArray, lte, type SQL, type SQLWrapper, sql } from 'drizzle-orm';

async function orgUnitIds(db: Db, orgUnitId: string, includeDescendants: boolean): Promise<string[]> {
  if (!includeDescendants) {
    const [unit] = await db.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.id, orgUnitId));
    if (!unit) throw new DomainError('unknown_org_unit');
    return [unit.id];
  }
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with recursive tree as (
          select id from org_units where id = ${orgUnitId}
          union all
          select o.id from org_units o join tree on o.parent_id = tree.id
        ) select id from tree`,
  );
  if (rows.length === 0) throw new DomainError('unknown_org_unit');
  return rows.map((r) => r.id);
}

/** The columns of a user a filter reads: those of `users`, or of the search table's copy. */
export type FilterColumns = {
  id: SQLWrapper;
  status: SQLWrapper;
  roleId: SQLWrapper;
  email: SQLWrapper;
  lastLoginAt: SQLWrapper;
  createdAt: SQLWrapper;
};

const USERS_COLUMNS: FilterColumns = {
  id: users.id,
  status: users.status,
  roleId: users.roleId,
  email: users.email,
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
};

/**
 * The search table's copy of a user's columns, as its rows aliased `m` name them: a search's matches
 * are filtered (and counted) there, without a join to `users`.
 */
export const SEARCH_TABLE_COLUMNS: FilterColumns = {
  id: sql`m.user_id`,
  status: sql`m.status`,
  roleId: sql`m.role_id`,
  email: sql`m.email`,
  lastLoginAt: sql`m.last_login_at`,
  // Not copied to the search table: read from `users` for the matches alone.
  createdAt: sql`(select u.created_at from users u where u.id = m.user_id)`,
};

/** Each right a filter names, checked against the catalogue (an unknown one is `unknown_right`). */
function knownRights(names: readonly string[]): Right[] {
  return [...new Set(names)].map((name) => {
    const right = RIGHTS.find((r) => r === name);
    if (!right) throw new DomainError('unknown_right');
    return right;
  });
}

/**
 * A last sign-in as the (status, last sign-in, id) index keys it: never signed in is `-infinity`, so
 * both "never" and "not since" are ranges of that index within a status.
 */
function signInKey(lastLoginAt: SQLWrapper): SQL {
  return sql`coalesce(${lastLoginAt}, '-infinity'::timestamptz)`;
}

/**
 * What a filter names that only the database knows, read and checked once for a request: its roles
 * exist (`unknown_role` otherwise) and its organisation unit (with its descendants when asked) exists
 * (`unknown_org_unit`). A users page and its count build their conditions from the same references.
 */
export type FilterReferences = { unitIds: string[] | undefined };

export async function filterReferences(db: Db, filter: UsersFilter | undefined): Promise<FilterReferences> {
  if (filter?.roleIds?.length) {
    const roleIds = [...new Set(filter.roleIds)];
    const known = await db.select({ id: roles.id }).from(roles).where(inArray(roles.id, roleIds));
    if (known.length !== roleIds.length) throw new DomainError('unknown_role');
  }
  return {
    unitIds: filter?.orgUnitId
      ? await orgUnitIds(db, filter.orgUnitId, filter.includeDescendants ?? false)
      : undefined,
  };
}

/**
 * Every condition of a users filter except the search, on the given columns (the users list answers
 * a search from the search table's copy of status and role), after checking that every role, module,
 * organisation unit and right it names exists (an unknown one is a typed refusal, not an empty list).
 * `references`, when given, are that filter's, already checked (`filterReferences`).
 */
export async function filterConditions(
  db: Db,
  filter: UsersFilter | undefined,
  now: Date,
  columns: FilterColumns = USERS_COLUMNS,
  references?: FilterReferences,
): Promise<SQL[]> {
  if (!filter) return [];
  const { unitIds } = references ?? (await filterReferences(db, filter));
  const conditions: SQL[] = [];
  /** The user has a row of `table` (by its user_id) on which every condition holds. */
  const hasRow = (
    table: typeof invitations | typeof moduleAccess | typeof userScopes | typeof userRights,
    ...where: SQL[]
  ) =>
    exists(
      db
        .select({ one: sql`1` })
        .from(table)
        .where(and(sql`${table.userId} = ${columns.id}`, ...where)),
    );
  if (filter.status?.length) conditions.push(inArray(columns.status, filter.status));
  if (filter.invitationExpired !== undefined) {
    conditions.push(
      sql`${columns.status} = 'invited'`,
      hasRow(
        invitations,
        eq(invitations.status, 'pending'),
        filter.invitationExpired ? lte(invitations.expiresAt, now) : gt(invitations.expiresAt, now),
      ),
    );
  }
  if (filter.roleIds?.length) conditions.push(inArray(columns.roleId, [...new Set(filter.roleIds)]));
  if (filter.module) {
    const module = MODULES.find((m) => m === filter.module?.module);
    if (!module) throw new DomainError('unknown_module');
    const levels = filter.module.minLevel === 'edit' ? (['edit'] as const) : (['read', 'edit'] as const);
    conditions.push(
      hasRow(moduleAccess, eq(moduleAccess.module, module), inArray(moduleAccess.level, [...levels])),
    );
  }
  if (unitIds) {
    conditions.push(hasRow(userScopes, inArray(userScopes.orgUnitId, unitIds)));
  }
  if (filter.right) {
    const [right] = knownRights([filter.right]);
    if (!right) throw new DomainError('unknown_right');
    conditions.push(hasRow(userRights, eq(userRights.right, right)));
  }
  if (filter.rights?.length) {
    const rights = knownRights(filter.rights);
    conditions.push(hasRow(userRights, inArray(userRights.right, rights)));
  }
  if (filter.lastSignIn) {
    const key = signInKey(columns.lastLoginAt);
    conditions.push(
      filter.lastSignIn.kind === 'never'
        ? sql`${key} = '-infinity'::timestamptz`
        : sql`${key} > '-infinity'::timestamptz and ${key} < ${lastSignInCutoff(filter.lastSignIn.days, now).toISOString()}::timestamptz`,
    );
  }
  const created = createdRange(filter);
  // Instants as text: the search table's matches read the creation time through an expression,
  // which gives drizzle no column to map a Date with.
  if (created.from) conditions.push(sql`${columns.createdAt} >= ${created.from.toISOString()}::timestamptz`);
  if (created.before)
    conditions.push(sql`${columns.createdAt} < ${created.before.toISOString()}::timestamptz`);
  if (filter.emailDomain) {
    // E-mails are stored lower-cased with one @; the domain schema lets no LIKE wildcard through.
    conditions.push(sql`${columns.email} like ${`%@${filter.emailDomain}`}`);
  }
  return conditions;
}

/**
 * From this many characters a term is also looked for half by half (`searchMatches`). Whole, a long
 * term's trigrams go to the trigram index as one key, and PostgreSQL read the whole posting list of
 * its common ones: "david.dubois.500000@acme-industries.com" read 3,055 index pages at 1,000,000
 * users (31 ms, warm) for its one user; with its halves as keys of their own beside it, 583 (9 ms).
 * On terms without a common part the halves cost 0.1–0.6 ms ("marie.kowalski", "sofia.leroy").
 */
export const SEARCH_TERM_HALVED_FROM = 12;

/**
 * The search table's rows whose document contains the term (case-insensitive, no wildcards). A long
 * term is also matched half by half, the two halves overlapping: what holds the whole term holds each
 * half, so the halves only narrow the trigram index's read, and the whole term still decides.
 */
export function searchMatches(term: string, document: SQLWrapper = userSearch.document): SQL {
  const whole = sql`${document} like ${likeContains(term)}`;
  // Halves of the lower-cased term, as the whole is matched: lower-cased apart, a half could differ
  // ("Σ" at a half's end lower-cases to the final "ς", inside the whole to "σ").
  const characters = [...term.toLowerCase()];
  if (characters.length < SEARCH_TERM_HALVED_FROM) return whole;
  const half = Math.ceil(characters.length / 2);
  const first = characters.slice(0, half).join('');
  const second = characters.slice(characters.length - half).join('');
  return sql`${document} like ${likeContains(first)} and ${document} like ${likeContains(second)} and ${whole}`;
}

/**
 * Turns a users filter into one SQL condition on `users`. Every "all matching" bulk selection and
 * count uses it (the whole set, in no order: a search is a semi-join with its matches).
 */
export async function usersFilterCondition(
  db: Db,
  filter: UsersFilter | undefined,
  now: Date,
  references?: FilterReferences,
): Promise<SQL | undefined> {
  const conditions = await filterConditions(db, filter, now, USERS_COLUMNS, references);
  if (filter?.search) {
    conditions.push(
      inArray(
        users.id,
        db.select({ id: userSearch.userId }).from(userSearch).where(searchMatches(filter.search)),
      ),
    );
  }
  return conditions.length ? and(...conditions) : undefined;
}
