import { sql } from 'drizzle-orm';

/**
 * A list of uuids as one text parameter, split and cast by PostgreSQL. A driver's array parameter is
 * built element by element in JavaScript (postgres.js quotes and escapes each one): for the 10,000
 * users of a batch, sent four or five times, that was a fifth of the server's CPU in a bulk operation.
 * For ids that are uuids (validated as such, or read from the database): a uuid holds no comma, and
 * anything else fails the cast as it did as an array element.
 */
export const uuidList = (ids: readonly string[]) => sql`string_to_array(${ids.join(',')}, ',')::uuid[]`;

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
