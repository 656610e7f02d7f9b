import { setImmediate as nextTurn } from 'node:timers/promises';
import { auditEvents, type Db, orgUnits, roles, sqlUuids, users } from '@roster/db';
import {
  DEFAULT_USER_SORT,
  DomainError,
  type ExportedUser,
  exportColumns,
  type UserColumn,
  type UserSort,
  type UsersExportInput,
  type UsersFilter,
  usersCsvWriter,
  usersExportFileName,
  usersExportInputSchema,
} from '@roster/domain';
import { and, count, eq, type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { exceptedIds, unknownSelectedUsers } from '../bulk/selection';
import { pageIds } from './listUsers';
import { userIdentityColumns, userModuleAccessPairs, userRightCodes, userScopeIds } from './userColumns';
import { afterCursor, keyText, orderBy } from './userSort';
import { filterConditions } from './usersFilter';

/**
 * Users read per chunk of an export: each chunk is one keyset page of the view's sort (the users
 * list's own paths), written out before the next is read, so a million users never sit in memory.
 */
export const EXPORT_CHUNK_ROWS = 2_000;

export type UsersCsvExport = { fileName: string; lines: AsyncGenerator<string> };

export type ExportUsersOptions = {
  chunkRows?: number;
  /** Called before each chunk's query (tests see the chunks go by). */
  onChunk?: (chunk: number) => void;
};

/** One chunk's users, as the writer takes them. */
type ExportRow = Omit<ExportedUser, 'scope'> & { scopeIds: readonly string[] };
type Chunks = AsyncGenerator<ExportRow[]>;

const NONE = sql<string[]>`'{}'::text[]`;

/**
 * The users of these ids, in this order, with what the columns need and nothing more: each list a
 * column does not show (scope, rights, module access) is a lookup per user not made.
 */
async function exportRows(
  db: Db,
  ids: readonly string[],
  columns: readonly UserColumn[],
): Promise<ExportRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      ...userIdentityColumns,
      roleName: roles.name,
      createdAt: users.createdAt,
      lastLoginAt: users.lastLoginAt,
      scopeIds: columns.includes('scope') ? userScopeIds : NONE,
      rights: columns.includes('rights') ? userRightCodes : NONE,
      moduleAccess: columns.includes('moduleAccess') ? userModuleAccessPairs : NONE,
    })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(sql`${users.id} = any(${sqlUuids(ids)})`);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The users of a filter in the sort, chunk by chunk, on users.list's own paths (less the `except` ids). */
async function* viewChunks(
  db: Db,
  filter: UsersFilter | undefined,
  sort: UserSort,
  now: Date,
  rows: number,
  except: ReadonlySet<string>,
  columns: readonly UserColumn[],
): Chunks {
  let after: string[] | undefined;
  for (;;) {
    const { keyed: page } = await pageIds(db, filter, now, sort, after, rows, {});
    const ids = page.map((r) => r.id).filter((id) => !except.has(id));
    yield await exportRows(db, ids, columns);
    after = page.at(-1)?.key;
    if (page.length < rows || !after) return;
  }
}

/** Ticked users in the sort, chunk by chunk: a keyset walk of the sort over these ids alone. */
async function* idChunks(
  db: Db,
  ids: readonly string[],
  sort: UserSort,
  rows: number,
  columns: readonly UserColumn[],
): Chunks {
  const chosen: SQL = sql`${users.id} = any(${sqlUuids(ids)})`;
  let after: string[] | undefined;
  for (;;) {
    const page = await db
      .select({ id: users.id, key: keyText(sort.field) })
      .from(users)
      .innerJoin(roles, eq(roles.id, users.roleId))
      .where(and(chosen, after ? afterCursor(sort, after) : undefined))
      .orderBy(...orderBy(sort))
      .limit(rows);
    if (page.length === 0) return;
    yield await exportRows(
      db,
      page.map((r) => r.id),
      columns,
    );
    after = page.at(-1)?.key;
    if (page.length < rows) return;
  }
}

/**
 * Checks what an export names before a byte is written (an unknown role, unit or right, a ticked user
 * who does not exist: typed refusals) and returns its chunks.
 */
async function checkedChunks(
  db: Db,
  input: UsersExportInput,
  sort: UserSort,
  columns: readonly UserColumn[],
  now: Date,
  rows: number,
) {
  const selection = input.selection;
  if (selection && 'ids' in selection) {
    const ids = [...new Set(selection.ids.map((id) => id.toLowerCase()))];
    if (ids.length === 0) throw new DomainError('empty_selection');
    const [found] = await db
      .select({ n: count() })
      .from(users)
      .where(sql`${users.id} = any(${sqlUuids(ids)})`);
    if ((found?.n ?? 0) !== ids.length) throw unknownSelectedUsers();
    return { chunks: idChunks(db, ids, sort, rows, columns), meta: { selected: ids.length } };
  }
  const filter = selection ? selection.filter : input.filter;
  await filterConditions(db, filter, now);
  const except = selection ? exceptedIds(selection) : [];
  return {
    chunks: viewChunks(db, filter, sort, now, rows, new Set(except), columns),
    meta: { filter: filter ?? {}, ...(selection ? { exceptIds: except.length } : {}) },
  };
}

/**
 * The users of a view or a selection as CSV (`usersCsvWriter`: the chosen columns, formula cells
 * escaped), under `users-<date>-<time>.csv`. The input is checked and the export audited first; the
 * lines then come chunk by chunk as the response reads them: each chunk takes the database for its
 * own queries only, and the event loop gets a turn between chunks (PGlite has one connection, which
 * other requests share).
 */
export async function exportUsersCsv(
  db: Db,
  actor: Actor,
  rawInput: unknown,
  now: Date,
  options: ExportUsersOptions = {},
): Promise<UsersCsvExport> {
  if (!actor.isAdmin) throw new DomainError('not_admin');
  const input = usersExportInputSchema.parse(rawInput);
  const sort = input.sort ?? DEFAULT_USER_SORT;
  const columns = exportColumns(input.columns);
  const { chunks, meta } = await checkedChunks(
    db,
    input,
    sort,
    columns,
    now,
    options.chunkRows ?? EXPORT_CHUNK_ROWS,
  );
  const units = columns.includes('scope')
    ? new Map(
        (await db.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits)).map((u) => [u.id, u.name]),
      )
    : new Map<string, string>();
  await db.insert(auditEvents).values({
    at: now,
    actorId: actor.userId,
    action: 'users.exported',
    meta: { ...meta, sort, columns, via: actor.via.kind },
  });
  const writer = usersCsvWriter(columns);
  async function* lines(): AsyncGenerator<string> {
    yield writer.header;
    let chunk = 0;
    for (;;) {
      options.onChunk?.(chunk++);
      const next = await chunks.next();
      if (next.done) return;
      yield next.value
        .map((user) => writer.line({ ...user, scope: user.scopeIds.map((id) => units.get(id) ?? id) }))
        .join('');
      await nextTurn();
    }
  }
  return { fileName: usersExportFileName(now), lines: lines() };
}
