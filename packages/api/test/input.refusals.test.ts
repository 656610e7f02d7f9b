import { randomUUID } from 'node:crypto';
import { bulkOperations, invitations } from '@roster/db';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
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
