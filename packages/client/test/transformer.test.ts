import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializeInput } from '../src/transformer';

describe('serializeInput', () => {
  it('sends plain JSON as superjson would, without its walk', () => {
    const input = {
      operationId: '0190a4a2-7c3b-7def-8123-456789abcdef',
      rows: [{ line: 2, email: 'ada@example.com', firstName: 'Ada', nested: [1, true, null, 'x'] }],
    };
    const sent = serializeInput(input);
    expect(sent).toEqual({ json: input });
    expect(sent).toEqual(superjson.serialize(input));
    expect(superjson.deserialize(JSON.parse(JSON.stringify(sent)))).toEqual(input);
  });

  it.each<[string, unknown]>([
    ['a date', { at: new Date('2026-12-01T00:00:00.000Z') }],
    ['an undefined property', { message: undefined, kind: 'invite' }],
    ['a map', { m: new Map([['a', 1]]) }],
    ['a set in an array', [new Set([1])]],
    ['a BigInt', { n: 1n }],
    ['NaN', { n: Number.NaN }],
    ['-0', { n: -0 }],
    ['an instance of a class', { u: new URL('https://example.com') }],
  ])('leaves %s to superjson', (_, value) => {
    expect(serializeInput(value)).toEqual(superjson.serialize(value));
  });
});
