import type { z } from 'zod';

/**
 * Characters no text the API receives may hold, because PostgreSQL cannot store them: NUL (text and
 * jsonb refuse it), and half of a UTF-16 surrogate pair, which JSON carries as an escape PostgreSQL
 * refuses (`\ud800` with no low surrogate after it). A file read as UTF-8 never has the second kind;
 * a typed client can send either.
 */
export function hasUnstorableCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0) return true;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (code >= 0xdc00 && code <= 0xdfff) return true;
  }
  return false;
}

/** The message of a text refused by `hasUnstorableCharacter`. */
export const UNSTORABLE_TEXT_MESSAGE = 'Text cannot contain a NUL character or a broken Unicode character.';

/** Refines a string schema to refuse what `hasUnstorableCharacter` finds: `storable(z.string().max(50))`. */
export function storable(schema: z.ZodString): z.ZodString {
  return schema.refine((value) => !hasUnstorableCharacter(value), UNSTORABLE_TEXT_MESSAGE);
}

/**
 * A value with every unstorable character replaced by SUBSTITUTE (U+001A), itself a control
 * character: a rule that refuses control characters decides on the result as on the original.
 */
export function withStorableCharacters(value: string): string {
  if (!hasUnstorableCharacter(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += value.slice(i, i + 2);
      i++;
    } else if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) out += '\u001a';
    else out += value[i];
  }
  return out;
}
