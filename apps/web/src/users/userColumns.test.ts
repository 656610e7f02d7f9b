import { describe, expect, it } from 'vitest';
import { DEFAULT_USER_COLUMNS, readUserColumns, userColumnsKey, writeUserColumns } from './userColumns';

/** A Storage stand-in holding strings, as localStorage does. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('the users table columns an administrator chose', () => {
  it('are the default until chosen, then kept per administrator, in the table order', () => {
    const storage = memoryStorage();
    expect(readUserColumns(storage, 'ana')).toEqual(DEFAULT_USER_COLUMNS);
    writeUserColumns(storage, 'ana', ['rights', 'lastLogin']);
    expect(readUserColumns(storage, 'ana')).toEqual(['lastLogin', 'rights']);
    expect(readUserColumns(storage, 'bob')).toEqual(DEFAULT_USER_COLUMNS);
    expect(storage.items.get(userColumnsKey('ana'))).toBe('["lastLogin","rights"]');
  });

  it('fall back to the default when what is stored cannot be read', () => {
    for (const stored of ['not json', '{"a":1}', '["lastLogin","password"]', '42']) {
      expect(readUserColumns(memoryStorage({ [userColumnsKey('ana')]: stored }), 'ana')).toEqual(
        DEFAULT_USER_COLUMNS,
      );
    }
  });

  it('a storage that refuses to write leaves the page working', () => {
    const refusing = {
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => writeUserColumns(refusing, 'ana', ['scope'])).not.toThrow();
  });
});
