import { randomUUID } from 'node:crypto';
import { bulkOperations, invitations } from '@roster/db';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Caller, expectTRPCError, useHarness } from './harness';

const h = useHarness();
let admin: Caller;

beforeEach(async () => {
  admin = (await h.signedIn('Administrator', { email: 'ada@roster.test' })).caller;
});

/** Everything a refused call could have written. */
async function written() {
  return {
    ...(await h.counts()),
    operations: (await h.db.select().from(bulkOperations)).length,
    invitations: (await h.db.select().from(invitations)).length,
  };
}

/** The call is refused with this code, and writes nothing. */
async function expectRefused(
  call: () => Promise<unknown>,
  domainCode: string,
  code: TRPC_ERROR_CODE_KEY = 'BAD_REQUEST',
) {
  const before = await written();
  await expectTRPCError(call(), code, domainCode);
  expect(await written()).toEqual(before);
}

const NUL = 'a\u0000b';
const BROKEN = 'a\ud800b';

describe('text PostgreSQL cannot store is refused as bad input, before anything is written', () => {
  it.each([
    ['a NUL', NUL],
    ['half of a surrogate pair', BROKEN],
  ])('%s', async (_, text) => {
    const user = await h.createUser({ status: 'created' });
    await expectRefused(() => admin.tokens.create({ name: text }), 'invalid_input');
    await expectRefused(
      () =>
        admin.bulk.execute({
          operationId: randomUUID(),
          operation: { kind: 'invite', message: text },
          selection: { ids: [user.id] },
        }),
      'invalid_input',
    );
    await expectRefused(
      () =>
        admin.bulk.preview({ operation: { kind: 'invite', message: text }, selection: { ids: [user.id] } }),
      'invalid_input',
    );
    const visitor = await h.anonymous();
    await expectRefused(
      () =>
        visitor.invitations.accept({
          token: 'x'.repeat(43),
          firstName: text,
          lastName: 'Lovelace',
          password: 'a long enough passphrase 42',
        }),
      'invalid_input',
    );
    await expectRefused(() => admin.outbox.list({ search: text }), 'invalid_input');
    await expectRefused(() => admin.users.list({ filter: { search: text } }), 'invalid_input');
    await expectRefused(() => admin.users.list({ filter: { right: text } }), 'invalid_input');
    await expectRefused(() => admin.bulk.results({ id: randomUUID(), reason: text }), 'invalid_input');
    await expectRefused(
      () => admin.imports.commit({ operationId: randomUUID(), invite: true, message: text }),
      'invalid_input',
    );
  });
});

describe('page cursors and operation ids', () => {
  it('refuses a history cursor that is not one it gave', async () => {
    for (const cursor of [
      '1',
      `1|${randomUUID()}`,
      '2026-13-45T00:00:00.000Z|x',
      `yesterday|${randomUUID()}`,
    ]) {
      await expectRefused(() => admin.bulk.list({ cursor }), 'invalid_cursor');
    }
    // The cursor it gives is taken.
    expect(await admin.bulk.list({ cursor: `2026-03-02T09:00:00.000Z|${randomUUID()}` })).toMatchObject({
      items: [],
    });
  });

  it('refuses a results cursor no position can reach, and results of an operation that does not exist', async () => {
    await expectRefused(() => admin.bulk.results({ id: randomUUID(), cursor: 2 ** 31 }), 'invalid_input');
    await expectRefused(() => admin.bulk.results({ id: randomUUID() }), 'operation_not_found', 'NOT_FOUND');
  });
});

describe('dates PostgreSQL cannot read are refused as bad input, before anything is written', () => {
  // Year 0 PostgreSQL does not have; the day after 9999-12-31 JavaScript writes as "+010000-01-01".
  const FILTERS = [
    { createdFrom: '0000-01-01' },
    { createdTo: '9999-12-31' },
    { createdTo: '9999-12-31T23:59:59-01:00' },
  ];

  it.each(FILTERS)('a users filter of %o', async (filter) => {
    await h.createUser({ status: 'active' });
    await expectRefused(() => admin.users.list({ filter }), 'invalid_input');
    await expectRefused(() => admin.users.count({ filter }), 'invalid_input');
    const selection = { filter, expectedCount: 1 };
    await expectRefused(
      () => admin.bulk.preview({ operation: { kind: 'deactivate' }, selection }),
      'invalid_input',
    );
    await expectRefused(
      () => admin.bulk.execute({ operationId: randomUUID(), operation: { kind: 'deactivate' }, selection }),
      'invalid_input',
    );
    // The supported years' last days are taken.
    const everyone = (await admin.users.count({})).total;
    expect(everyone).toBeGreaterThan(1);
    // The first and last days taken; and what the web app sends for "to 9998-12-31" in New York.
    for (const supported of [
      { createdFrom: '0001-01-01', createdTo: '9998-12-31' },
      { createdTo: '9999-01-01T05:00:00.000Z' },
    ]) {
      expect((await admin.users.count({ filter: supported })).total).toBe(everyone);
    }
  });

  it('the operations history: its creation window, its cursor, and what finished since', async () => {
    for (const instant of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-01:00']) {
      await expectRefused(() => admin.bulk.list({ createdFrom: instant }), 'invalid_input');
      await expectRefused(() => admin.bulk.list({ createdTo: instant }), 'invalid_input');
      await expectRefused(() => admin.bulk.finishedSince({ since: instant }), 'invalid_input');
    }
    await expectRefused(
      () => admin.bulk.list({ cursor: `0000-01-01T00:00:00.000Z|${randomUUID()}` }),
      'invalid_cursor',
    );
  });

  it('a users page cursor altered to name a day that does not exist, year 0, or a total past 2^53', async () => {
    await h.createUsers(3, { status: 'active' });
    await h.db.execute(sql`update users set last_login_at = now() - random() * interval '1 day'`);
    const sort = { field: 'lastLogin', direction: 'desc' } as const;
    const first = await admin.users.list({ sort, limit: 1 });
    if (!first.nextCursor) throw new Error('expected a next cursor');
    const cursor = JSON.parse(Buffer.from(first.nextCursor, 'base64url').toString('utf8'));
    const altered = (change: (c: typeof cursor) => void) => {
      const copy = structuredClone(cursor);
      change(copy);
      return Buffer.from(JSON.stringify(copy), 'utf8').toString('base64url');
    };
    const instantAt = cursor.values.findIndex((v: string) => /^\d{4}-\d{2}-\d{2}T/.test(v));
    expect(instantAt).toBeGreaterThanOrEqual(0);
    // The cursor as given, re-encoded, is taken: the alterations alone are refused.
    expect((await admin.users.list({ sort, limit: 1, cursor: altered(() => {}) })).items).toHaveLength(1);
    for (const instant of ['2026-02-30T00:00:00.000000Z', '0000-01-01T00:00:00.000000Z']) {
      const forged = altered((c) => {
        c.values[instantAt] = instant;
      });
      await expectRefused(() => admin.users.list({ sort, limit: 1, cursor: forged }), 'invalid_cursor');
    }
    const tooMany = altered((c) => {
      c.total = 2 ** 53;
    });
    await expectRefused(() => admin.users.list({ sort, limit: 1, cursor: tooMany }), 'invalid_cursor');
  });
});
