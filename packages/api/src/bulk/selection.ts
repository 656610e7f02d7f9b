import { type Db, sqlUuids, users } from '@roster/db';
import {
  type BulkOperationKind,
  DomainError,
  KIND_TRAITS,
  type Selection,
  selectedByFilter,
} from '@roster/domain';
import { and, asc, count, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { countUsers } from '../users/countUsers';
import { usersFilterCondition } from '../users/usersFilter';

/** The refusals of a selection as a whole, shared by the preview and the apply. */
export const unknownSelectedUsers = () =>
  new DomainError('user_not_found', 'Some selected users do not exist.');

/** Users are loaded, locked and decided in batches of this many. */
export const BULK_BATCH_SIZE = 10_000;

/** Users per batch of the kinds that read access (each user's modules, scope and rights). */
export const ACCESS_BATCH_SIZE = 5_000;

/**
 * Fewer transactions are faster (10,000 users per batch took a role change of 100,000 users from
 * 32 s to 24 s), but a kind that reads access (its definition says so: "Copy access", a revert that
 * may give access back, an import that copies it) holds every user's access: its batches stay at
 * 5,000 to keep the server's memory flat.
 */
export function batchSizeFor(kind: BulkOperationKind): number {
  return KIND_TRAITS[kind].readsAccess ? ACCESS_BATCH_SIZE : BULK_BATCH_SIZE;
}

/**
 * The selected users' ids, batch by batch, after checking the selection as a whole: not empty,
 * every listed user exists, and a filter still matches exactly the number of users the admin saw
 * (else `selection_changed`). A filter selection is walked by id, never held in memory at once.
 */
export async function checkedSelectionBatches(
  db: Db,
  selection: Selection,
  now: Date,
  batchSize = BULK_BATCH_SIZE,
): Promise<{ total: number; batches: () => AsyncGenerator<string[]> }> {
  if ('ids' in selection) {
    const ids = [...new Set(selection.ids.map((id) => id.toLowerCase()))];
    if (ids.length === 0) throw new DomainError('empty_selection');
    let found = 0;
    for (let i = 0; i < ids.length; i += batchSize) {
      const [row] = await db
        .select({ n: count() })
        .from(users)
        .where(inArray(users.id, ids.slice(i, i + batchSize)));
      found += row?.n ?? 0;
    }
    if (found !== ids.length) throw unknownSelectedUsers();
    return {
      total: ids.length,
      batches: async function* () {
        for (let i = 0; i < ids.length; i += batchSize) yield ids.slice(i, i + batchSize);
      },
    };
  }
  const { condition, total } = await checkedFilterSelection(db, selection, now);
  return {
    total,
    batches: async function* () {
      let after: string | undefined;
      for (;;) {
        const page = await db
          .select({ id: users.id })
          .from(users)
          .where(and(condition, after ? gt(users.id, after) : undefined))
          .orderBy(asc(users.id))
          .limit(batchSize);
        if (page.length === 0) return;
        yield page.map((r) => r.id);
        after = page.at(-1)?.id;
      }
    },
  };
}

type FilterSelection = Extract<Selection, { filter: unknown }>;

/** The ids an "all matching except these" selection leaves out, each once. */
export function exceptedIds(selection: FilterSelection): string[] {
  return [...new Set((selection.exceptIds ?? []).map((id) => id.toLowerCase()))];
}

/** A filter selection's conditions, built once: what the filter matches, and who of them is selected. */
export type FilterSelectionConditions = {
  /** The users the filter matches (the admin's N). */
  matching: SQL | undefined;
  /** Those less the ones the admin unticked afterwards. */
  selected: SQL | undefined;
  except: string[];
};

/** Checks the filter (unknown roles, units… are refused) and builds both conditions from it. */
export async function filterSelectionConditions(
  db: Db,
  selection: FilterSelection,
  now: Date,
): Promise<FilterSelectionConditions> {
  const matching = await usersFilterCondition(db, selection.filter, now);
  const except = exceptedIds(selection);
  const selected = except.length
    ? and(matching, sql`not (${users.id} = any(${sqlUuids(except)}))`)
    : matching;
  return { matching, selected, except };
}

/**
 * How many of the users left out of a filter selection the filter matches: with the users selected,
 * they make up the number the admin saw.
 */
export async function exceptedMatching(
  db: Db,
  conditions: FilterSelectionConditions | undefined,
): Promise<number> {
  if (!conditions?.except.length) return 0;
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(conditions.matching, sql`${users.id} = any(${sqlUuids(conditions.except)})`));
  return row?.n ?? 0;
}

/**
 * Checks a filter selection as a whole: the filter still matches exactly the number of users the
 * admin saw (else `selection_changed`), and someone is left once the unticked users are taken out.
 */
export async function checkedFilterSelection(
  db: Db,
  selection: FilterSelection,
  now: Date,
): Promise<{ condition: SQL | undefined; total: number }> {
  const conditions = await filterSelectionConditions(db, selection, now);
  const matching = await countUsers(db, selection.filter, now);
  const total = selectedByFilter(
    matching,
    matching === 0 ? 0 : await exceptedMatching(db, conditions),
    selection.expectedCount,
  );
  return { condition: conditions.selected, total };
}
