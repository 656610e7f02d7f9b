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
 * Rows as one JSON parameter, for `json_to_recordset`: one `JSON.stringify` in native code instead of
 * an array parameter per column (text with quotes, such as JSON, escaped character by character).
 */
export const jsonRows = (rows: readonly object[]) => sql`${JSON.stringify(rows)}::json`;

/** Values of a PostgreSQL enum as one text parameter (`wordList`), cast to the enum's array type. */
export const enumList = <T extends string>(
  values: readonly NoInfer<T>[],
  enumType: { enumName: string; enumValues: readonly T[] },
) => sql`${wordList(values)}::${sql.raw(`"${enumType.enumName}"`)}[]`;
