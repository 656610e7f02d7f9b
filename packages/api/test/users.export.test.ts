/**
 * The users export (exportUsersCsv): every user of the view in its sort, the chosen columns, a
 * selection by ids or "all matching except these", formula cells escaped, refusals before a byte is
 * written, and the lines produced chunk by chunk. Expected files are computed from the fixture's own
 * model, not from the SQL.
 */
import { auditEvents, users } from '@roster/db';
import {
  ACCESS_LEVEL_LABELS,
  csvRow,
  MODULE_LABELS,
  MODULES,
  RIGHT_LABELS,
  USER_SORT_FIELDS,
  USER_STATUS_LABELS,
  type UserSort,
  type UsersFilter,
} from '@roster/domain';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Actor, exportUsersCsv, resolveActor } from '../src';
import { baseRequest, START, useHarness } from './harness';
import { buildFixture, expectedOrder, type Fixture, type FixtureUser, matches } from './userFixtures';

const h = useHarness({ reset: false });
let fx: Fixture;
let admin: Actor;
/** The fixture's users and one whose every field a spreadsheet would run as a formula. */
let everyone: FixtureUser[];
let createdAt: Map<string, Date>;

beforeAll(async () => {
  fx = await buildFixture(h);
  const [formula] = await h.db
    .insert(users)
    .values({
      email: '-2+3@roster.test',
      firstName: '=HYPERLINK("http://evil.test","x")',
      lastName: '@SUM(A1)',
      status: 'active',
      roleId: fx.roleId('Reader'),
    })
    .returning({ id: users.id });
  if (!formula) throw new Error('not inserted');
  everyone = [
    ...fx.users,
    {
      id: formula.id,
      email: '-2+3@roster.test',
      firstName: '=HYPERLINK("http://evil.test","x")',
      lastName: '@SUM(A1)',
      status: 'active',
      roleId: fx.roleId('Reader'),
      roleName: 'Reader',
      lastLoginAt: null,
      access: {},
      scopeIds: [],
      rights: [],
      pendingExpiresAt: null,
    },
  ];
  const rows = await h.db.select({ id: users.id, createdAt: users.createdAt }).from(users);
  createdAt = new Map(rows.map((r) => [r.id, r.createdAt]));
  const actor = await resolveActor(
    h.db,
    { ...baseRequest, sessionToken: fx.ctx.request.sessionToken },
    START,
  );
  if (!actor) throw new Error('The fixture administrator is not signed in');
  admin = actor;
});

async function exported(input: unknown, chunkRows = 4) {
  const chunks: number[] = [];
  const csv = await exportUsersCsv(h.db, admin, input, START, { chunkRows, onChunk: (n) => chunks.push(n) });
  let text = '';
  for await (const piece of csv.lines) text += piece;
  return { fileName: csv.fileName, text, chunks };
}

const unitName = (id: string) => Object.values(fx.units).find((u) => u.id === id)?.name ?? id;

/** A user's line as the export must write it, from the fixture's model. */
function expectedLine(u: FixtureUser, columns: string[]): string {
  const cells: Record<string, (string | null)[]> = {
    name: [u.firstName, u.lastName],
    email: [u.email],
    role: [u.roleName],
    status: [USER_STATUS_LABELS[u.status]],
    moduleAccess: [
      MODULES.flatMap((m) => {
        const level = u.access[m];
        return level ? [`${MODULE_LABELS[m]}: ${ACCESS_LEVEL_LABELS[level]}`] : [];
      }).join('; '),
    ],
    lastLogin: [u.lastLoginAt?.toISOString() ?? null],
    created: [createdAt.get(u.id)?.toISOString() ?? 'missing'],
    // In the order of the units' ids, as users.list gives them.
    scope: [[...u.scopeIds].sort().map(unitName).join('; ')],
    rights: [u.rights.map((r) => RIGHT_LABELS[r]).join('; ')],
  };
  return csvRow(columns.flatMap((c) => cells[c] ?? ['unknown column']));
}

const ESSENTIAL = ['name', 'email', 'role', 'status', 'moduleAccess'];
const SORTS: UserSort[] = USER_SORT_FIELDS.flatMap((field) =>
  (['asc', 'desc'] as const).map((direction) => ({ field, direction })),
);
const byId = (id: string) => {
  const user = everyone.find((u) => u.id === id);
  if (!user) throw new Error(`unknown user ${id}`);
  return user;
};

describe('exportUsersCsv', () => {
  it.each(SORTS)(
    'writes every user once, in the view sorted by $field $direction, in chunks',
    async (sort) => {
      const { text, chunks } = await exported({ sort });
      const expected = expectedOrder(everyone, sort).map((id) => expectedLine(byId(id), ESSENTIAL));
      expect(text).toBe(
        csvRow(['First name', 'Last name', 'E-mail', 'Role', 'Status', 'Module access']) + expected.join(''),
      );
      expect(chunks.length).toBeGreaterThan(everyone.length / 4);
    },
  );

  it('writes only the filter’s users, with the chosen columns in the table’s order', async () => {
    const filter: UsersFilter = { status: ['active', 'invited'], search: 'a' };
    const sort: UserSort = { field: 'lastLogin', direction: 'desc' };
    const columns = ['rights', 'email', 'lastLogin', 'created', 'name'];
    const { text } = await exported({ filter, sort, columns });
    const subset = everyone.filter((u) => matches(fx, u, filter));
    expect(subset.length).toBeGreaterThan(4);
    const ordered = ['name', 'email', 'lastLogin', 'created', 'rights'];
    expect(text).toBe(
      csvRow(['First name', 'Last name', 'E-mail', 'Last sign-in', 'Created', 'Rights']) +
        expectedOrder(subset, sort)
          .map((id) => expectedLine(byId(id), ordered))
          .join(''),
    );
  });

  it('names the units of a user’s scope', async () => {
    const scoped = everyone.filter((u) => u.scopeIds.length > 0);
    expect(scoped.length).toBeGreaterThan(0);
    const { text } = await exported({ columns: ['email', 'scope'] });
    for (const u of scoped) {
      const line = text.split('\r\n').find((l) => l.startsWith(`${u.email},`)) ?? '';
      expect(line.split(',').slice(1).join(',').replace(/"/g, '').split('; ').sort()).toEqual(
        u.scopeIds.map(unitName).sort(),
      );
    }
  });

  it('escapes cells a spreadsheet would run as formulas', async () => {
    const { text } = await exported({ filter: { search: 'evil.test' }, columns: ['name', 'email'] });
    expect(text).toBe(
      'First name,Last name,E-mail\r\n' +
        `"'=HYPERLINK(""http://evil.test"",""x"")",'@SUM(A1),'-2+3@roster.test\r\n`,
    );
  });

  it('writes ticked users in the view’s sort, and "all matching except these"', async () => {
    const sort: UserSort = { field: 'email', direction: 'desc' };
    const ticked = everyone.slice(2, 9);
    const picked = await exported(
      { selection: { ids: ticked.map((u) => u.id) }, sort, columns: ['email'] },
      3,
    );
    expect(picked.text).toBe(
      `E-mail\r\n${expectedOrder(ticked, sort)
        .map((id) => csvRow([byId(id).email]))
        .join('')}`,
    );
    const filter: UsersFilter = { status: ['active'] };
    const active = everyone.filter((u) => matches(fx, u, filter));
    const except = active.slice(0, 3).map((u) => u.id);
    const rest = active.filter((u) => !except.includes(u.id));
    const allBut = await exported({
      selection: { filter, expectedCount: active.length, exceptIds: except },
      sort,
      columns: ['email'],
    });
    expect(allBut.text).toBe(
      `E-mail\r\n${expectedOrder(rest, sort)
        .map((id) => csvRow([byId(id).email]))
        .join('')}`,
    );
  });

  it('audits the export with what it exported', async () => {
    const ticked = everyone.slice(0, 2).map((u) => u.id);
    await exported({ selection: { ids: ticked } });
    const [event] = await h.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'users.exported'))
      .orderBy(auditEvents.id)
      .limit(1)
      .offset((await h.db.$count(auditEvents, eq(auditEvents.action, 'users.exported'))) - 1);
    expect(event?.actorId).toBe(admin.userId);
    expect(event?.meta).toMatchObject({ selected: 2, columns: ESSENTIAL, via: 'session' });
  });

  it('refuses a bad input before a line is produced, and audits nothing', async () => {
    const audited = () => h.db.$count(auditEvents, eq(auditEvents.action, 'users.exported'));
    const before = await audited();
    const refused = async (input: unknown) => {
      const error = await exportUsersCsv(h.db, admin, input, START).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(input)).not.toBeNull();
      return error;
    };
    expect(await refused({ filter: { roleIds: ['00000000-0000-4000-8000-000000000000'] } })).toMatchObject({
      code: 'unknown_role',
    });
    expect(await refused({ selection: { ids: ['00000000-0000-4000-8000-000000000000'] } })).toMatchObject({
      code: 'user_not_found',
    });
    expect(await refused({ columns: ['password'] })).toMatchObject({ name: 'ZodError' });
    expect(await refused({ filter: {}, selection: { ids: [fx.admin.id] } })).toMatchObject({
      name: 'ZodError',
    });
    expect(await refused({ sort: { field: 'salary', direction: 'asc' } })).toMatchObject({
      name: 'ZodError',
    });
    expect(await refused({ filter: { status: ['active'] }, extra: 1 })).toMatchObject({ name: 'ZodError' });
    expect(await audited()).toBe(before);
  });

  it('is refused to a user who is not an administrator', async () => {
    await expect(exportUsersCsv(h.db, { ...admin, isAdmin: false }, {}, START)).rejects.toMatchObject({
      code: 'not_admin',
    });
  });

  it('produces each chunk’s lines before the next chunk is read', async () => {
    const events: string[] = [];
    const csv = await exportUsersCsv(h.db, admin, { columns: ['email'] }, START, {
      chunkRows: 5,
      onChunk: (n) => events.push(`read ${n}`),
    });
    for await (const piece of csv.lines) events.push(`wrote ${piece.split('\r\n').length - 1}`);
    const reads = events.filter((e) => e.startsWith('read'));
    expect(reads.length).toBe(Math.ceil(everyone.length / 5) + 1);
    // header, then each chunk read and written before the next is read
    expect(events.slice(0, 5)).toEqual(['wrote 1', 'read 0', 'wrote 5', 'read 1', 'wrote 5']);
  });
});
