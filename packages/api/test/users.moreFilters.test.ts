/**
 * The filters of issue 19 item 7 (last sign-in, creation dates, e-mail domain, any of several rights)
 * on the hand-built tenant: users.list (exact ids, with and without a search), users.count (exact),
 * and a bulk selection by filter (preview and execute resolve the same users); bad inputs are typed
 * refusals.
 */
import { randomUUID } from 'node:crypto';
import { auditEvents } from '@roster/db';
import type { UsersFilter } from '@roster/domain';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callByPath, expectTRPCError, HOUR, START } from './harness';
import { expectedIds, useFixture } from './userFixtures';

const { h, fx } = useFixture();

const emailsOf = (ids: string[]) =>
  ids.map((id) => fx().users.find((u) => u.id === id)?.email ?? `unknown ${id}`).sort();

/** The filter's users by list (one page, and pages of 3), count and bulk preview, against the model. */
async function expectFilter(filter: UsersFilter, options: { allowEmpty?: boolean } = {}): Promise<string[]> {
  const expected = expectedIds(fx(), filter);
  const label = JSON.stringify(filter);
  const page = await fx().caller.users.list({ filter, limit: 500 });
  expect(emailsOf(page.items.map((i) => i.id)), label).toEqual(emailsOf(expected));
  expect(page.total, `total of ${label}`).toBe(expected.length);
  const paged: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 30; i++) {
    const next = await fx().caller.users.list({
      filter,
      limit: 3,
      sort: { field: 'lastLogin', direction: 'desc' },
      cursor,
    });
    paged.push(...next.items.map((item) => item.id));
    if (!next.nextCursor) break;
    cursor = next.nextCursor;
  }
  expect([...paged].sort(), `${label} by pages of 3, by last sign-in`).toEqual(expected);
  expect((await fx().caller.users.count({ filter })).total, `count of ${label}`).toBe(expected.length);
  if (expected.length > 0) {
    const preview = await fx().caller.bulk.preview({
      operation: { kind: 'deactivate' },
      selection: { filter, expectedCount: expected.length },
    });
    expect(preview.total, `bulk preview of ${label}`).toBe(expected.length);
  }
  if (!options.allowEmpty) expect(expected.length, `the fixture exercises ${label}`).toBeGreaterThan(0);
  expect(expected.length, `${label} narrows`).toBeLessThan(fx().users.length);
  return emailsOf(expected);
}

describe('last sign-in', () => {
  it('never signed in', async () => {
    const emails = await expectFilter({ lastSignIn: { kind: 'never' } });
    expect(emails).toContain('per%cent@globex.test');
    expect(emails).toContain('zoe.young@globex.test');
    expect(emails).not.toContain('ada.admin@roster.test');
  });

  it('not signed in for N days: signed in, but before now - N days (never-signed-in users are not in it)', async () => {
    // Dora signed in 700 hours ago (29 days and 4 hours), Ivy 900, Paul 1,000.
    expect(await expectFilter({ lastSignIn: { kind: 'olderThan', days: 30 } })).toEqual([
      'ivy.hart@initech.test',
      'paul.olsen@globex.test',
    ]);
    const oneDay = await expectFilter({ lastSignIn: { kind: 'olderThan', days: 1 } });
    // Sam and Hugo signed in exactly 24 hours ago: not before the cut-off.
    expect(oneDay).not.toContain('sam.taylor@globex.test');
    expect(oneDay).toContain('ines.martin@globex.test');
    await expectFilter({ lastSignIn: { kind: 'olderThan', days: 3650 } }, { allowEmpty: true });
  });

  it('the cut-off is taken from the request clock', async () => {
    const later = new Date(START.getTime() + 400 * HOUR);
    h.clock.set(later);
    try {
      const filter: UsersFilter = { lastSignIn: { kind: 'olderThan', days: 30 } };
      const page = await fx().caller.users.list({ filter, limit: 500 });
      const expected = expectedIds(fx(), filter, later);
      expect(page.items.map((i) => i.id).sort()).toEqual(expected);
      expect(emailsOf(expected)).toContain('dora.explorer@initech.test');
      expect((await fx().caller.users.count({ filter })).total).toBe(expected.length);
    } finally {
      h.clock.set(START);
    }
  });

  it('with a status, a role and a search', async () => {
    await expectFilter({ lastSignIn: { kind: 'never' }, status: ['invited'] });
    await expectFilter({
      lastSignIn: { kind: 'olderThan', days: 1 },
      status: ['active'],
      roleIds: [fx().roleId('Portfolio manager')],
    });
    await expectFilter({ lastSignIn: { kind: 'never' }, search: 'olsen' });
    await expectFilter({ lastSignIn: { kind: 'olderThan', days: 2 }, search: 'smith' });
  });
});

describe('created between', () => {
  // One user a day from 2025-10-28 09:00 UTC (the fixture's first) to 2025-12-08 09:00 UTC.
  it('from a day, to a day (that whole day included), and both', async () => {
    await expectFilter({ createdFrom: '2025-11-20' });
    await expectFilter({ createdTo: '2025-11-01' });
    expect(await expectFilter({ createdFrom: '2025-11-01', createdTo: '2025-11-02' })).toHaveLength(2);
    expect(await expectFilter({ createdFrom: '2025-11-01', createdTo: '2025-11-01' })).toHaveLength(1);
  });

  it('instants: from included, to excluded', async () => {
    expect(
      await expectFilter({ createdFrom: '2025-10-29T09:00:00Z', createdTo: '2025-10-31T09:00:00Z' }),
    ).toEqual(['anna.smith@globex.test', 'zoe.young@globex.test']);
    expect(
      await expectFilter({ createdFrom: '2025-10-29T10:00:00+01:00', createdTo: '2025-10-29T09:00:00.001Z' }),
    ).toEqual(['zoe.young@globex.test']);
  });

  it('with a search (the search table does not copy the creation time) and a status', async () => {
    await expectFilter({ createdFrom: '2025-11-15', search: 'smith' });
    await expectFilter({ createdTo: '2025-11-15', status: ['active', 'invited'] });
  });

  it('a range that matches nobody is an empty list', async () => {
    expect(await expectFilter({ createdFrom: '2026-01-01' }, { allowEmpty: true })).toEqual([]);
  });
});

describe('e-mail domain', () => {
  it('exact domain, any case, with or without @', async () => {
    const initech = await expectFilter({ emailDomain: 'initech.test' });
    expect(initech).toHaveLength(11);
    expect(await expectFilter({ emailDomain: 'INITECH.test' })).toEqual(initech);
    expect(await expectFilter({ emailDomain: '@initech.test' })).toEqual(initech);
    expect(await expectFilter({ emailDomain: 'roster.test' })).toEqual(['ada.admin@roster.test']);
  });

  it('a part of a domain is not the domain', async () => {
    expect(await expectFilter({ emailDomain: 'test' }, { allowEmpty: true })).toEqual([]);
    expect(await expectFilter({ emailDomain: 'tech.test' }, { allowEmpty: true })).toEqual([]);
  });

  it('with a search, a role and a status', async () => {
    await expectFilter({ emailDomain: 'globex.test', search: 'smith' });
    await expectFilter({
      emailDomain: 'initech.test',
      status: ['active'],
      roleIds: [fx().roleId('Contributor')],
    });
  });
});

describe('rights, several at once (any of them)', () => {
  it('any of two rights', async () => {
    expect(await expectFilter({ rights: ['buyer', 'team_manager'] })).toEqual([
      'abel.zed@globex.test',
      'carla.smithers@initech.test',
      'eve.adams@globex.test',
      'gina.lollo@globex.test',
      'gus.grant@globex.test',
      'kai.smith@initech.test',
      'sam.taylor@globex.test',
    ]);
  });

  it('a user with two of them counts once', async () => {
    // Sam holds buyer and budget_manager; Walt budget_manager and data_export.
    const emails = await expectFilter({ rights: ['buyer', 'budget_manager', 'data_export'] });
    expect(emails.filter((e) => e === 'sam.taylor@globex.test')).toHaveLength(1);
  });

  it('one right in the list is the single right filter; with `right`, both hold', async () => {
    expect(await expectFilter({ rights: ['buyer'] })).toEqual(await expectFilter({ right: 'buyer' }));
    expect(await expectFilter({ right: 'budget_manager', rights: ['buyer', 'data_export'] })).toEqual([
      'sam.taylor@globex.test',
      'walt.white@globex.test',
    ]);
  });

  it('with a status and a search', async () => {
    await expectFilter({ rights: ['data_export', 'timesheet_validator'], status: ['active'] });
    await expectFilter({ rights: ['buyer', 'team_manager'], search: 'a' });
  });
});

describe('all the new filters at once', () => {
  it('domain + created + never signed in + rights', async () => {
    await expectFilter({
      emailDomain: 'globex.test',
      createdFrom: '2025-10-28',
      createdTo: '2025-11-30',
      lastSignIn: { kind: 'never' },
      rights: ['buyer', 'team_manager'],
    });
  });
});

const usersList = { path: 'users.list', type: 'query' } as const;
const usersCount = { path: 'users.count', type: 'query' } as const;
const bulkPreview = { path: 'bulk.preview', type: 'mutation' } as const;

describe('bad inputs are typed refusals that write nothing', () => {
  const cases: Array<[string, unknown, string, TRPC_ERROR_CODE_KEY?]> = [
    ['0 days', { lastSignIn: { kind: 'olderThan', days: 0 } }, 'invalid_input'],
    ['days over ten years', { lastSignIn: { kind: 'olderThan', days: 4000 } }, 'invalid_input'],
    ['an unknown sign-in kind', { lastSignIn: { kind: 'sometimes' } }, 'invalid_input'],
    ['not a date', { createdFrom: 'yesterday' }, 'invalid_input'],
    ['an instant without offset', { createdTo: '2026-01-01T00:00:00' }, 'invalid_input'],
    [
      'a range that ends before it starts',
      { createdFrom: '2026-01-02', createdTo: '2026-01-01' },
      'invalid_date_range',
    ],
    [
      'an empty range of instants',
      { createdFrom: '2026-01-01T00:00:00Z', createdTo: '2026-01-01T00:00:00Z' },
      'invalid_date_range',
    ],
    ['a whole address as domain', { emailDomain: 'ana@acme.com' }, 'invalid_input'],
    ['a wildcard domain', { emailDomain: '%' }, 'invalid_input'],
    ['an unknown right among rights', { rights: ['buyer', 'superpowers'] }, 'unknown_right'],
    ['a right in the wrong case', { rights: ['Buyer'] }, 'unknown_right'],
  ];
  it.each(cases)('%s', async (_, filter, domainCode, code = 'BAD_REQUEST') => {
    const before = await h.counts();
    await expectTRPCError(callByPath(fx().ctx, usersList, { filter }), code, domainCode);
    await expectTRPCError(callByPath(fx().ctx, usersCount, { filter }), code, domainCode);
    await expectTRPCError(
      callByPath(fx().ctx, bulkPreview, {
        operation: { kind: 'deactivate' },
        selection: { filter, expectedCount: 1 },
      }),
      code,
      domainCode,
    );
    expect(await h.counts(), 'nothing written').toEqual(before);
  });
});

describe('a bulk operation by filter acts on exactly the filtered users', () => {
  it('a count that moved is refused; the right one assigns the role to those users only', async () => {
    const filter: UsersFilter = { emailDomain: 'initech.test', lastSignIn: { kind: 'olderThan', days: 1 } };
    const expected = expectedIds(fx(), filter);
    expect(expected.length).toBeGreaterThan(1);
    await expectTRPCError(
      fx().caller.bulk.preview({
        operation: { kind: 'assign_role', roleId: fx().roleId('Auditor') },
        selection: { filter, expectedCount: expected.length + 1 },
      }),
      'CONFLICT',
      'selection_changed',
    );
    const op = await fx().caller.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: fx().roleId('Auditor') },
      selection: { filter, expectedCount: expected.length },
    });
    expect(op.total).toBe(expected.length);
    const changed = await h.db
      .select({ userId: auditEvents.userId })
      .from(auditEvents)
      .where(eq(auditEvents.operationId, op.id));
    const already = expected.filter((id) => fx().users.find((u) => u.id === id)?.roleName === 'Auditor');
    expect(changed.map((r) => r.userId).sort()).toEqual(expected.filter((id) => !already.includes(id)));
  });
});
