import { sql } from 'drizzle-orm';

/**
 * A list of uuids as one text parameter, split and cast by PostgreSQL. A driver's array parameter is
 * built element by element in JavaScript (postgres.js quotes and escapes each one): for the 10,000
 * users of a batch, sent four or five times, that was a fifth of the server's CPU in a bulk operation.
 * For ids that are uuids (validated as such, or read from the database): a uuid holds no comma, and
 * anything else fails the cast as it did as an array element.
 *
 * Split in a sub-select, run once as the statement starts: planned for its values (a bulk batch's
 * statements are), a split of the parameter itself was folded into a constant of 10,000 uuids, whose
 * count the planner then saw, and a batch's status update read the whole users table for its users
 * (a sequential scan, 680–1,160 ms against 610–660 ms by the primary key at 200,000 users; psql,
 * 2026-12-05). Unseen, the list is planned as a few ids: looked up by key.
 */
export const uuidList = (ids: readonly string[]) => sql`(select ${uuidConstants(ids)})::uuid[]`;

/**
 * A few uuids (as `uuidList`) that the planner folds into one constant: tested against many rows
 * (`x = any(…)`), a constant list is looked up in a hash, where `uuidList`'s is read through.
 */
export const uuidConstants = (ids: readonly string[]) => sql`string_to_array(${ids.join(',')}, ',')::uuid[]`;

/**
 * Words of a closed set (enum values such as statuses, modules, rights) as one text parameter split
 * by PostgreSQL into `text[]`; like `uuidList`, for values that hold no comma and are never empty.
 */
export const wordList = (values: readonly string[]) => sql`string_to_array(${values.join(',')}, ',')`;

/**
 * Words (as `wordList`) where some are missing: `null` travels as an empty element, which PostgreSQL
 * reads back as NULL.
 */
export const optionalWordList = (values: readonly (string | null)[]) =>
  sql`string_to_array(${values.map((v) => v ?? '').join(',')}, ',', '')`;

/** Whole numbers, some missing (`null`), as one text parameter (`optionalWordList`) cast to `int[]`. */
export const intList = (values: readonly (number | null)[]) =>
  sql`string_to_array(${values.map((v) => (v === null ? '' : String(v))).join(',')}, ',', '')::int[]`;

/** Values of a PostgreSQL enum as one text parameter (`wordList`), cast to the enum's array type. */
export const enumList = <T extends string>(
  values: readonly NoInfer<T>[],
  enumType: { enumName: string; enumValues: readonly T[] },
) => sql`${wordList(values)}::${sql.raw(`"${enumType.enumName}"`)}[]`;
