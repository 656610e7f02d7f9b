import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasUnstorableCharacter, storable, UNSTORABLE_TEXT_MESSAGE, withStorableCharacters } from '../src';

describe('text PostgreSQL can store', () => {
  it.each<[string, string, boolean]>([
    ['plain text', 'Ada Lovelace', false],
    ['accents and an emoji (a whole surrogate pair)', 'Zoë 😀', false],
    ['a line break and a tab', 'a\nb\tc', false],
    ['a NUL', 'a\u0000b', true],
    ['a high surrogate at the end', 'Ada\ud83d', true],
    ['a high surrogate before a letter', '\ud83dA', true],
    ['a low surrogate alone', 'A\ude00', true],
    ['two high surrogates and one low', '\ud83d\ud83d\ude00', true],
  ])('%s', (_, value, unstorable) => {
    expect(hasUnstorableCharacter(value)).toBe(unstorable);
    const replaced = withStorableCharacters(value);
    expect(hasUnstorableCharacter(replaced)).toBe(false);
    expect(replaced.length).toBe(value.length);
    if (!unstorable) expect(replaced).toBe(value);
  });

  it('puts SUBSTITUTE in the place of each unstorable character only', () => {
    expect(withStorableCharacters('a\u0000b\ud800c😀')).toBe('a\u001ab\u001ac😀');
  });

  it('makes a schema refuse such text with a clear message', () => {
    const name = storable(z.string().max(10));
    expect(name.safeParse('Ada').success).toBe(true);
    const refused = name.safeParse('A\u0000');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe(UNSTORABLE_TEXT_MESSAGE);
  });
});
