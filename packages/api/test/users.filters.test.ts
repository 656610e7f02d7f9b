import { userSearch, users } from '@roster/db';
import { MODULES, RIGHTS, USER_STATUSES, type UserStatus, type UsersFilter } from '@roster/domain';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { START } from './harness';
import { expectedIds, UNIT_KEYS, useFixture } from './userFixtures';

const { h, fx } = useFixture();

const emailsOf = (ids: string[]) =>
  ids
    .map((id) => fx().users.find((u) => u.id === id)?.email ?? `unknown ${id}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Lists with the filter (one page holds the whole tenant) and checks the exact ids and the total
 * against the plain-JS model. Returns the expected e-mails so a test can also pin them down by hand.
 */
async function expectFilter(
  filter: UsersFilter,
  options: { allowEmpty?: boolean; allowEverybody?: boolean } = {},
): Promise<string[]> {
  const expected = expectedIds(fx(), filter);
  const page = await fx().caller.users.list({ filter, limit: 500 });
  expect(emailsOf(page.items.map((item) => item.id)), JSON.stringify(filter)).toEqual(emailsOf(expected));
  expect(page.items.map((item) => item.id).sort(), 'ids (and no duplicated rows from the joins)').toEqual(
    expected,
  );
  expect(page.total, `total of ${JSON.stringify(filter)}`).toBe(expected.length);
  expect(page.nextCursor).toBeNull();
  // A filter that is ignored (or that matches nothing by mistake) must not pass unnoticed.
  if (!options.allowEmpty) expect(expected.length, 'the fixture exercises this filter').toBeGreaterThan(0);
  if (!options.allowEverybody) expect(expected.length).toBeLessThan(fx().users.length);
  return emailsOf(expected);
}

describe('users.list filters on the hand-built tenant', () => {
  it('without a filter lists every user with the total', async () => {
    await expectFilter({}, { allowEverybody: true });
    const page = await fx().caller.users.list({ limit: 500 });
    expect(page.total).toBe(fx().users.length);
    expect(page.items).toHaveLength(fx().users.length);
  });

  it('returns each row with the fields the table shows', async () => {
    const page = await fx().caller.users.list({ limit: 500 });
    for (const user of fx().users) {
      const item = page.items.find((i) => i.id === user.id);
      expect(item, user.email).toBeDefined();
      expect({
        email: item?.email,
        firstName: item?.firstName,
        lastName: item?.lastName,
        status: item?.status,
        roleId: item?.roleId,
        roleName: item?.roleName,
        roleIsAdmin: item?.roleIsAdmin,
        lastLoginAt: item?.lastLoginAt?.toISOString() ?? null,
        invitationExpiresAt: item?.invitation?.expiresAt.toISOString() ?? null,
        moduleAccess: [...(item?.moduleAccess ?? [])].sort(),
      }).toEqual({
        email: user.email,
        firstName: user.firstName,
        lastName: user.lastName,
        status: user.status,
        roleId: user.roleId,
        roleName: user.roleName,
        roleIsAdmin: user.roleName === 'Administrator',
        lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
        invitationExpiresAt: user.pendingExpiresAt?.toISOString() ?? null,
        moduleAccess: Object.entries(user.access)
          .map(([module, level]) => `${module}:${level}`)
          .sort(),
      });
    }
  });

  describe('status', () => {
    it.each(USER_STATUSES.map((status) => [status]))('one status: %s', async (status) => {
      await expectFilter({ status: [status] });
    });

    const pairs: UserStatus[][] = [
      ['created', 'invited'],
      ['invited', 'deactivated'],
      ['active', 'deactivated'],
      ['created', 'active', 'deactivated'],
    ];
    it.each(pairs.map((statuses) => [statuses.join('+'), statuses]))(
      'several statuses: %s',
      async (_, status) => {
        await expectFilter({ status });
      },
    );

    it('every status, or an empty list, is no restriction', async () => {
      await expectFilter({ status: [...USER_STATUSES] }, { allowEverybody: true });
      await expectFilter({ status: [] }, { allowEverybody: true });
    });
  });

  describe('invitationExpired', () => {
    it.each([
      {
        expired: true,
        about: 'invited users whose pending invitation expired (expiry at now included)',
        emails: [
          'eve.adams@globex.test',
          'frank.zappa@initech.test',
          'lou.smithson@globex.test',
          'quinn.olsen@globex.test',
          'yann.young@globex.test',
        ],
      },
      {
        expired: false,
        about: 'invited users whose pending invitation has not expired (superseded ones ignored)',
        emails: [
          'anna.smith2@globex.test',
          'fay.nolan@globex.test',
          'gina.lollo@globex.test',
          'rita.olsen@globex.test',
          'zoe.young@globex.test',
        ],
      },
    ])('$expired: $about', async ({ expired, emails }) => {
      expect(await expectFilter({ invitationExpired: expired })).toEqual(emails);
    });

    it('is judged against the request clock, not the wall clock', async () => {
      // Two hours later, Fay's invitation (1 h left) and Gina's (1 s left) have expired too.
      const later = new Date(START.getTime() + 2 * 3_600_000);
      h.clock.set(later);
      const page = await fx()
        .caller.users.list({ filter: { invitationExpired: true }, limit: 500 })
        .finally(() => {
          h.clock.set(START);
        });
      const expected = expectedIds(fx(), { invitationExpired: true }, later);
      expect(page.items.map((i) => i.id).sort()).toEqual(expected);
      expect(emailsOf(expected)).toContain('fay.nolan@globex.test');
      expect(emailsOf(expected)).toContain('gina.lollo@globex.test');
    });
  });

  describe('roleIds', () => {
    it('each role on its own (a role nobody has gives an empty list)', async () => {
      for (const [name, id] of fx().roleIds) {
        await expectFilter({ roleIds: [id] }, { allowEmpty: name === 'Empty role' });
      }
    });

    it('several roles, custom and built-in', async () => {
      await expectFilter({
        roleIds: [fx().roleId('Auditor'), fx().roleId('Reader'), fx().roleId('Empty role')],
      });
      await expectFilter({ roleIds: [fx().roleId('Administrator'), fx().roleId('Buyer')] });
    });

    it('a role named twice counts once', async () => {
      await expectFilter({ roleIds: [fx().roleId('Reader'), fx().roleId('Reader')] });
    });

    it('a role named twice, once in upper case, counts once (UUIDs are case-insensitive)', async () => {
      const reader = fx().roleId('Reader');
      await expectFilter({ roleIds: [reader, reader.toUpperCase()] });
    });
  });

  describe('module access', () => {
    for (const module of MODULES) {
      it(`${module}: read means read or edit, edit means edit only`, async () => {
        const read = await expectFilter({ module: { module, minLevel: 'read' } });
        const edit = await expectFilter({ module: { module, minLevel: 'edit' } }, { allowEmpty: true });
        expect(read).toEqual(expect.arrayContaining(edit));
      });
    }

    it('projects: pinned by hand', async () => {
      expect(await expectFilter({ module: { module: 'projects', minLevel: 'edit' } })).toEqual([
        'abel.zed@globex.test',
        'anna.smith@globex.test',
        'bea.zed@globex.test',
        'eve.adams@globex.test',
        'kai.smith@initech.test',
        'paul.olsen@globex.test',
      ]);
      expect(await expectFilter({ module: { module: 'projects', minLevel: 'read' } })).toHaveLength(11);
    });
  });

  describe('organisation unit', () => {
    for (const key of UNIT_KEYS) {
      it(`${key}, without and with the units below it`, async () => {
        const unit = fx().units[key];
        const direct = await expectFilter({ orgUnitId: unit.id });
        await expectFilter({ orgUnitId: unit.id, includeDescendants: false });
        const below = await expectFilter({ orgUnitId: unit.id, includeDescendants: true });
        expect(below).toEqual(expect.arrayContaining(direct));
      });
    }

    it('pinned by hand: Globex France alone, then with its departments', async () => {
      expect(await expectFilter({ orgUnitId: fx().units.france.id })).toEqual([
        'bob.smith@globex.test',
        'ines.martin@globex.test',
      ]);
      expect(await expectFilter({ orgUnitId: fx().units.france.id, includeDescendants: true })).toEqual([
        'abel.zed@globex.test',
        'anna.smith2@globex.test',
        'anna.smith@globex.test',
        'bea.zed@globex.test',
        'bob.smith@globex.test',
        'cleo.quick@globex.test',
        'ines.martin@globex.test',
        'lou.smithson@globex.test',
        'paul.olsen@globex.test',
        'per%cent@globex.test',
        'quinn.olsen@globex.test',
        'uma.underwood@globex.test',
      ]);
    });

    it('the whole Globex tree reaches three levels down', async () => {
      const emails = await expectFilter({ orgUnitId: fx().units.globex.id, includeDescendants: true });
      expect(emails).toContain('zoe.young@globex.test'); // Sales Spain: group → entity → department
      expect(emails).not.toContain('tina.taylor@initech.test');
    });
  });

  describe('cross-functional right', () => {
    it.each(RIGHTS.map((right) => [right]))('%s', async (right) => {
      await expectFilter({ right });
    });
  });

  describe('search', () => {
    const cases: Array<[label: string, search: string, emails?: string[]]> = [
      [
        'first-name fragment',
        'ann',
        [
          'anna.smith2@globex.test',
          'anna.smith3@initech.test',
          'anna.smith@globex.test',
          'yann.young@globex.test',
        ],
      ],
      [
        'last-name fragment',
        'smith',
        [
          'anna.smith2@globex.test',
          'anna.smith3@initech.test',
          'anna.smith@globex.test',
          'bob.smith@globex.test',
          'carla.smithers@initech.test',
          'kai.smith@initech.test',
          'lou.smithson@globex.test',
        ],
      ],
      ['last name only in the name', 'underwood', ['uma.underwood@globex.test']],
      ['e-mail fragment', 'zappa@init', ['frank.zappa@initech.test']],
      ['e-mail domain', 'initech.test'],
      ['upper case', 'SMITH'],
      ['mixed case', 'InItEcH'],
      ['first and last name together', 'anna smith'],
      [
        'surrounding spaces are ignored',
        '  olsen  ',
        ['paul.olsen@globex.test', 'quinn.olsen@globex.test', 'rita.olsen@globex.test'],
      ],
      ['% is a literal character', 'per%cent', ['per%cent@globex.test']],
      ['% alone', '%', ['per%cent@globex.test']],
      ['_ is a literal character', 'snake_', ['snake_case@initech.test']],
      ['_ alone', '_', ['snake_case@initech.test']],
      ['backslash is a literal character', 'back\\slash', ['back\\slash@globex.test']],
      ['backslash alone', '\\', ['back\\slash@globex.test']],
      ['accented capitals, case-insensitively', 'ÉLODIE ÖZTÜRK', ['elodie.ozturk@globex.test']],
      ['accented name typed in lower case', 'öztürk', ['elodie.ozturk@globex.test']],
    ];
    it.each(cases)('%s: %j', async (_, search, emails) => {
      const found = await expectFilter({ search });
      if (emails) expect(found).toEqual(emails);
    });

    it('no match gives an empty page with total 0', async () => {
      const page = await fx().caller.users.list({ filter: { search: 'nobody-is-called-this' } });
      expect(page).toEqual({ items: [], nextCursor: null, prevCursor: null, offset: 0, total: 0 });
    });

    it('a blank search is no search', async () => {
      await expectFilter({ search: '   ' }, { allowEverybody: true });
      await expectFilter({ search: '' }, { allowEverybody: true });
    });

    it('finds a user by the new name and e-mail after a rename, and no longer by the old ones', async () => {
      const vic = fx().users.find((u) => u.email === 'vic.vega@globex.test');
      if (!vic) throw new Error('fixture user missing');
      await h.db
        .update(users)
        .set({ firstName: 'Victor', lastName: 'Vargas', email: 'victor.vargas@globex.test' })
        .where(eq(users.id, vic.id));
      Object.assign(vic, { firstName: 'Victor', lastName: 'Vargas', email: 'victor.vargas@globex.test' });
      expect(await expectFilter({ search: 'vargas' })).toEqual(['victor.vargas@globex.test']);
      expect(await expectFilter({ search: 'vic.vega' }, { allowEmpty: true })).toEqual([]);
      const [doc] = await h.db
        .select({ document: userSearch.document })
        .from(userSearch)
        .where(eq(userSearch.userId, vic.id));
      expect(doc?.document).toContain('victor.vargas@globex.test');
    });

    it('finds a long term typed in Greek capitals whose first half ends in Σ', async () => {
      // A long term is also looked for half by half; lower-cased alone, "ΚΑΣΑΚΣ" ends in the final
      // "ς", which the whole term's lower case, "κασακσακασακ", does not hold there.
      const zoe = fx().users.find((u) => u.email === 'zoe.young@globex.test');
      if (!zoe) throw new Error('fixture user missing');
      const rename = async (lastName: string) => {
        await h.db.update(users).set({ lastName }).where(eq(users.id, zoe.id));
        Object.assign(zoe, { lastName });
      };
      await rename('Κασακσακασακ');
      try {
        expect(await expectFilter({ search: 'ΚΑΣΑΚΣΑΚΑΣΑΚ' })).toEqual(['zoe.young@globex.test']);
      } finally {
        await rename('Young');
      }
    });
  });

  describe('several filters at once (all must hold)', () => {
    const combos: Array<[string, () => UsersFilter, boolean?]> = [
      [
        'active Contributors who read projects',
        () => ({
          status: ['active'],
          roleIds: [fx().roleId('Contributor')],
          module: { module: 'projects', minLevel: 'read' },
        }),
      ],
      [
        '"smith", invited or active, in Globex France and below',
        () => ({
          search: 'smith',
          status: ['invited', 'active'],
          orgUnitId: fx().units.france.id,
          includeDescendants: true,
        }),
      ],
      [
        'expired invitations of Project managers and Readers',
        () => ({ invitationExpired: true, roleIds: [fx().roleId('Project manager'), fx().roleId('Reader')] }),
      ],
      [
        'buyers who edit suppliers',
        () => ({ right: 'buyer', module: { module: 'suppliers', minLevel: 'edit' } }),
      ],
      [
        'team managers in Initech Labs named kai',
        () => ({ orgUnitId: fx().units.labs.id, right: 'team_manager', search: 'KAI' }),
      ],
      [
        'deactivated users who read reporting, with an "a"',
        () => ({ search: 'a', status: ['deactivated'], module: { module: 'reporting', minLevel: 'read' } }),
      ],
      [
        'created users never have a pending invitation',
        () => ({ status: ['created'], invitationExpired: false }),
        true,
      ],
      [
        'data exporters anywhere in the Initech tree',
        () => ({ orgUnitId: fx().units.initech.id, includeDescendants: true, right: 'data_export' }),
      ],
    ];
    it.each(combos)('%s', async (_, filter, empty) => {
      const emails = await expectFilter(filter(), { allowEmpty: empty ?? false });
      if (empty) expect(emails).toEqual([]);
    });
  });
});
