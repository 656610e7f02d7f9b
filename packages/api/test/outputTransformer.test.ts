import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializeOutput } from '../src/outputTransformer';

const day = (n: number) => new Date(Date.UTC(2026, 2, n, 9, 30));

/** Answers of the shapes the API gives: superjson itself must write the same envelope. */
const answers: [string, unknown][] = [
  [
    'a page of users',
    {
      items: [
        {
          id: 'a',
          createdAt: day(1),
          lastLoginAt: null,
          invitation: { expiresAt: day(9), sentCount: 1 },
          scope: ['u1'],
        },
        { id: 'b', createdAt: day(2), lastLoginAt: day(3), invitation: null, scope: [] },
      ],
      nextCursor: 'abc',
      total: 2,
    },
  ],
  ['no Date at all', { items: [{ id: 'a', n: 1.5, ok: true, none: null }], total: 0 }],
  ['a Date alone', day(4)],
  ['Dates in an array', [day(5), 'x', day(6)]],
  ['keys with dots and backslashes', { 'a.b': day(7), 'c\\d': { 'e.f\\': day(8) } }],
  ['an object without a prototype', Object.assign(Object.create(null), { at: day(9) })],
  ['plain values', 'text'],
  ['null', null],
  ['an empty object and array', { a: {}, b: [] }],
];

/** What it leaves to superjson: values JSON cannot carry. */
const others: [string, unknown][] = [
  ['undefined in an object', { a: undefined, at: day(1) }],
  ['-0', { n: -0 }],
  ['NaN and Infinity', [Number.NaN, Number.POSITIVE_INFINITY]],
  ['an invalid Date', { at: new Date(Number.NaN) }],
  ['a Map and a Set', { m: new Map([['k', day(2)]]), s: new Set([1]) }],
  ['a BigInt', { n: 10n }],
  ['undefined alone', undefined],
];

describe('serializeOutput: superjson’s envelope without superjson’s walk', () => {
  it.each(answers)('writes %s as superjson does, and superjson reads it back', (_, value) => {
    expect(serializeOutput(value)).toEqual(superjson.serialize(value));
    expect(superjson.deserialize(serializeOutput(value))).toEqual(value);
  });

  it.each(others)('leaves %s to superjson', (_, value) => {
    expect(serializeOutput(value)).toEqual(superjson.serialize(value));
  });

  it('gives an object reached twice as two equal copies', () => {
    const shared = { at: day(3) };
    const read = superjson.deserialize<{ a: { at: Date }; b: { at: Date } }>(
      serializeOutput({ a: shared, b: shared }),
    );
    expect(read).toEqual({ a: shared, b: shared });
    expect(read.a.at).toBeInstanceOf(Date);
  });

  it('leaves to superjson what is deeper than any answer (a cycle too)', () => {
    const deep: { next?: unknown } = {};
    let at = deep;
    for (let i = 0; i < 40; i++) {
      const next = {};
      at.next = next;
      at = next;
    }
    expect(serializeOutput(deep)).toEqual(superjson.serialize(deep));
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(serializeOutput(cycle)).toEqual(superjson.serialize(cycle));
  });
});
