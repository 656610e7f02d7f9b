import superjson from 'superjson';

/**
 * Whether a value is plain JSON (null, strings, booleans, finite numbers, arrays, plain objects),
 * which superjson would send unchanged: then it need not walk it.
 */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlainJson(item)) return false;
    return true;
  }
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return false;
    for (const item of Object.values(value)) if (!isPlainJson(item)) return false;
    return true;
  }
  return false;
}

/**
 * superjson's envelope for what a client sends, made without superjson's walk when the input is
 * plain JSON (as every input of the API is): `{ json }` is what superjson makes of such a value,
 * so the server reads it the same. The walk took a second per 100,000 import rows in the browser.
 */
export function serializeInput(value: unknown): { json: unknown } | ReturnType<typeof superjson.serialize> {
  return isPlainJson(value) ? { json: value } : superjson.serialize(value);
}

/** The transformer of every Roster client: superjson, with `serializeInput` for what it sends. */
export const rosterTransformer = {
  input: { serialize: serializeInput, deserialize: superjson.deserialize.bind(superjson) },
  output: superjson,
};
