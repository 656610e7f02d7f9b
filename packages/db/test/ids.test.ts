import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { idGenerator } from '../src/ids';

describe('idGenerator', () => {
  it('gives distinct, valid UUIDv7 keys in increasing order, past the number it expected', () => {
    const next = idGenerator(3);
    const ids = Array.from({ length: 10 }, () => next());
    for (const id of ids) {
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
    }
    expect(new Set(ids).size).toBe(10);
    // Within one block the counter orders them; a later block starts at a later millisecond or a
    // random counter, so only each block of three is checked for order.
    for (const block of [ids.slice(0, 3), ids.slice(3, 6), ids.slice(6, 9)]) {
      expect([...block].sort()).toEqual(block);
    }
  });

  it('draws different keys in two generators', () => {
    const a = idGenerator(1000);
    const b = idGenerator(1000);
    const first = new Set(Array.from({ length: 1000 }, () => a()));
    expect(Array.from({ length: 1000 }, () => b()).some((id) => first.has(id))).toBe(false);
  });
});
