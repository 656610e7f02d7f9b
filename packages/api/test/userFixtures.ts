/**
 * A small, hand-built tenant for the users list tests, with its own plain-JS model so that every
 * expected answer is computed independently of the SQL. Requests and sessions come from the harness.
 */
import { randomUUID } from 'node:crypto';
import { invitations, moduleAccess, orgUnits, roles, userRights, userScopes, users } from '@roster/db';
import {
  type GrantedAccessLevel,
  type InvitationStatus,
  MODULES,
  type Module,
  type OrgUnitKind,
  type Right,
  USER_STATUSES,
  type UserSort,
  type UserStatus,
  type UsersFilter,
} from '@roster/domain';
import { beforeAll } from 'vitest';
import { type Context, hashToken, type RouterOutputs } from '../src';
import { type Caller, type Harness, HOUR, START, useHarness } from './harness';

export type ListedUser = RouterOutputs['users']['list']['items'][number];

// ---------------------------------------------------------------------------------------------
// The hand-built tenant
// ---------------------------------------------------------------------------------------------

const UNIT_SPECS = {
  globex: { name: 'Globex Group', kind: 'group', parent: null },
  france: { name: 'Globex France', kind: 'entity', parent: 'globex' },
  finance: { name: 'Finance France', kind: 'department', parent: 'france' },
  it: { name: 'IT France', kind: 'department', parent: 'france' },
  spain: { name: 'Globex Spain', kind: 'entity', parent: 'globex' },
  sales: { name: 'Sales Spain', kind: 'department', parent: 'spain' },
  initech: { name: 'Initech Group', kind: 'group', parent: null },
  labs: { name: 'Initech Labs', kind: 'entity', parent: 'initech' },
} as const satisfies Record<string, { name: string; kind: OrgUnitKind; parent: string | null }>;
export type UnitKey = keyof typeof UNIT_SPECS;
export const UNIT_KEYS = Object.keys(UNIT_SPECS).filter((key): key is UnitKey => key in UNIT_SPECS);

/** The creation time of the i-th user of PEOPLE: one a day, from 3,000 hours before START. */
export const fixtureCreatedAt = (i: number) => new Date(START.getTime() - (3000 - 24 * i) * HOUR);

/** Roles the fixture adds beside the built-in ones; `Empty role` has no user. */
const CUSTOM_ROLES = ['Auditor', 'Empty role'] as const;

type PastInvitation = { status: Exclude<InvitationStatus, 'pending'>; expiresInHours: number };

type UserSpec = {
  firstName: string;
  lastName: string;
  email: string;
  status: UserStatus;
  role: string;
  /** Hours before START of the last sign-in; null when never signed in. */
  lastLoginHoursAgo: number | null;
  access?: Partial<Record<Module, GrantedAccessLevel>>;
  scope?: UnitKey[];
  rights?: Right[];
  /** Milliseconds from START to the expiry of the pending invitation (negative: expired). */
  pendingExpiresInMs?: number;
  pastInvitations?: PastInvitation[];
};

const h = HOUR;

/** First name, last name, e-mail, status, role, hours before START of the last sign-in (null: never). */
type Person = [string, string, string, UserStatus, string, number | null];
type Holdings = Pick<UserSpec, 'access' | 'scope' | 'rights' | 'pendingExpiresInMs' | 'pastInvitations'>;

/**
 * The users, in insertion order (so `created` order differs from name order). Decoys sit next to
 * users with `%`, `_` and `\` in their e-mail: they would match if those were LIKE wildcards.
 */
const PEOPLE: Person[] = [
  ['Ada', 'Admin', 'ada.admin@roster.test', 'active', 'Administrator', 1],
  ['Zoe', 'Young', 'zoe.young@globex.test', 'invited', 'Reader', null],
  ['Anna', 'Smith', 'anna.smith@globex.test', 'active', 'Contributor', 5],
  ['Anna', 'Smith', 'anna.smith2@globex.test', 'invited', 'Contributor', null],
  ['Bob', 'Smith', 'bob.smith@globex.test', 'active', 'Reader', 5],
  ['Carla', 'Smithers', 'carla.smithers@initech.test', 'deactivated', 'Buyer', 400],
  ['Dan', 'Brown', 'dan.brown@globex.test', 'created', 'Reader', null],
  ['Eve', 'Adams', 'eve.adams@globex.test', 'invited', 'Project manager', null],
  ['Frank', 'Zappa', 'frank.zappa@initech.test', 'invited', 'Reader', null],
  ['Gina', 'Lollo', 'gina.lollo@globex.test', 'invited', 'Buyer', null],
  ['Hugo', 'Martin', 'hugo.martin@globex.test', 'active', 'Portfolio manager', 24],
  ['Ines', 'Martin', 'ines.martin@globex.test', 'active', 'Portfolio manager', 72],
  ['Jack', 'Black', 'per%cent@globex.test', 'active', 'Reader', null],
  ['Kim', 'Decent', 'perhaps.decent@globex.test', 'active', 'Reader', 2],
  ['Leo', 'Snake', 'snake_case@initech.test', 'active', 'Contributor', 3],
  ['Mia', 'Snake', 'snake-case@initech.test', 'created', 'Contributor', null],
  ['Ned', 'Slash', 'back\\slash@globex.test', 'active', 'Reader', 6],
  ['Olga', 'Slash', 'backslash@globex.test', 'created', 'Reader', null],
  ['Paul', 'Olsen', 'paul.olsen@globex.test', 'deactivated', 'Project manager', 1000],
  ['Quinn', 'Olsen', 'quinn.olsen@globex.test', 'invited', 'Project manager', null],
  ['Rita', 'Olsen', 'rita.olsen@globex.test', 'invited', 'Auditor', null],
  ['Sam', 'Taylor', 'sam.taylor@globex.test', 'active', 'Buyer', 24],
  ['Tina', 'Taylor', 'tina.taylor@initech.test', 'active', 'Auditor', 0.5],
  ['Uma', 'Underwood', 'uma.underwood@globex.test', 'created', 'Contributor', null],
  ['Vic', 'Vega', 'vic.vega@globex.test', 'deactivated', 'Reader', null],
  ['Walt', 'White', 'walt.white@globex.test', 'active', 'Administrator', 48],
  ['Xena', 'Warrior', 'xena.warrior@initech.test', 'active', 'Contributor', 12],
  ['Yann', 'Young', 'yann.young@globex.test', 'invited', 'Reader', null],
  ['Abel', 'Zed', 'abel.zed@globex.test', 'active', 'Project manager', 30],
  ['Bea', 'Zed', 'bea.zed@globex.test', 'created', 'Project manager', null],
  ['Cleo', 'Quick', 'cleo.quick@globex.test', 'active', 'Contributor', 30],
  ['Dora', 'Explorer', 'dora.explorer@initech.test', 'deactivated', 'Contributor', 700],
  ['Emil', 'Nolan', 'emil.nolan@globex.test', 'active', 'Reader', 1],
  ['Fay', 'Nolan', 'fay.nolan@globex.test', 'invited', 'Reader', null],
  ['Gus', 'Grant', 'gus.grant@globex.test', 'created', 'Buyer', null],
  ['Hal', 'Hart', 'hal.hart@initech.test', 'active', 'Reader', 8],
  ['Ivy', 'Hart', 'ivy.hart@initech.test', 'deactivated', 'Reader', 900],
  ['Joe', 'Kerr', 'joe.kerr@globex.test', 'created', 'Reader', null],
  ['Kai', 'Smith', 'kai.smith@initech.test', 'active', 'Project manager', 4],
  ['Lou', 'Smithson', 'lou.smithson@globex.test', 'invited', 'Contributor', null],
  ['Élodie', 'Öztürk', 'elodie.ozturk@globex.test', 'active', 'Contributor', 7],
  ['Anna', 'Smith', 'anna.smith3@initech.test', 'deactivated', 'Reader', 5],
];

/** What users hold (module access, scope, rights) and their invitations, by e-mail; the others hold nothing. */
const HOLDINGS: Record<string, Holdings> = {
  'ada.admin@roster.test': { access: { reporting: 'edit' }, scope: ['globex'], rights: ['data_export'] },
  'zoe.young@globex.test': { scope: ['sales'], pendingExpiresInMs: 10 * h },
  'anna.smith@globex.test': {
    access: { projects: 'edit', budget: 'read' },
    scope: ['finance'],
    rights: ['budget_manager'],
  },
  'anna.smith2@globex.test': { scope: ['it'], pendingExpiresInMs: 48 * h },
  'bob.smith@globex.test': { access: { projects: 'read' }, scope: ['france'] },
  'carla.smithers@initech.test': {
    access: { suppliers: 'edit', contracts: 'read' },
    scope: ['labs'],
    rights: ['buyer'],
    pastInvitations: [{ status: 'accepted', expiresInHours: -600 }],
  },
  'dan.brown@globex.test': { pastInvitations: [{ status: 'cancelled', expiresInHours: 24 }] },
  'eve.adams@globex.test': {
    access: { projects: 'edit' },
    scope: ['sales'],
    rights: ['team_manager'],
    pendingExpiresInMs: -1 * h,
  },
  // Frank: expires exactly now: expired.
  'frank.zappa@initech.test': { scope: ['initech'], pendingExpiresInMs: 0 },
  'gina.lollo@globex.test': {
    access: { suppliers: 'read' },
    scope: ['spain'],
    rights: ['buyer'],
    pendingExpiresInMs: 1000,
  },
  'hugo.martin@globex.test': {
    access: { portfolio: 'edit', reporting: 'read' },
    scope: ['globex'],
    rights: ['data_export'],
  },
  'ines.martin@globex.test': { access: { portfolio: 'read' }, scope: ['france', 'sales'] },
  'per%cent@globex.test': { scope: ['it'] },
  'snake_case@initech.test': {
    access: { applications: 'read' },
    scope: ['labs'],
    rights: ['referential_editor'],
  },
  'back\\slash@globex.test': { access: { applications: 'edit' } },
  'paul.olsen@globex.test': {
    access: { projects: 'edit', resources: 'edit' },
    scope: ['finance'],
    rights: ['timesheet_validator'],
  },
  'quinn.olsen@globex.test': {
    access: { projects: 'read' },
    scope: ['finance'],
    pendingExpiresInMs: -200 * h,
    pastInvitations: [{ status: 'superseded', expiresInHours: -300 }],
  },
  // Rita: not expired, though an older, superseded invitation of hers has.
  'rita.olsen@globex.test': {
    access: { reporting: 'read' },
    rights: ['data_export'],
    pendingExpiresInMs: 100 * h,
    pastInvitations: [{ status: 'superseded', expiresInHours: -50 }],
  },
  'sam.taylor@globex.test': {
    access: { suppliers: 'edit', contracts: 'edit', budget: 'read' },
    scope: ['spain'],
    rights: ['buyer', 'budget_manager'],
  },
  'tina.taylor@initech.test': { access: { reporting: 'edit' }, scope: ['initech'], rights: ['data_export'] },
  'uma.underwood@globex.test': { access: { projects: 'read' }, scope: ['it'] },
  'walt.white@globex.test': {
    access: { budget: 'edit' },
    scope: ['globex'],
    rights: ['budget_manager', 'data_export'],
  },
  'xena.warrior@initech.test': {
    access: { resources: 'read', projects: 'read' },
    scope: ['labs'],
    rights: ['timesheet_validator'],
  },
  'yann.young@globex.test': { scope: ['sales'], pendingExpiresInMs: -10 * h },
  'abel.zed@globex.test': {
    access: { projects: 'edit', resources: 'read' },
    scope: ['it'],
    rights: ['team_manager'],
  },
  'bea.zed@globex.test': { access: { projects: 'edit' }, scope: ['it'] },
  'cleo.quick@globex.test': { access: { projects: 'read' }, scope: ['finance', 'it'] },
  'dora.explorer@initech.test': {
    scope: ['labs'],
    pastInvitations: [{ status: 'accepted', expiresInHours: -800 }],
  },
  'emil.nolan@globex.test': {
    scope: ['spain'],
    pastInvitations: [{ status: 'accepted', expiresInHours: -100 }],
  },
  'fay.nolan@globex.test': { scope: ['spain'], pendingExpiresInMs: 1 * h },
  'gus.grant@globex.test': { access: { suppliers: 'read' }, rights: ['buyer'] },
  'hal.hart@initech.test': { access: { reporting: 'read' }, scope: ['initech', 'labs'] },
  'ivy.hart@initech.test': { access: { reporting: 'edit' }, scope: ['labs'] },
  'joe.kerr@globex.test': { scope: ['globex'] },
  'kai.smith@initech.test': { access: { projects: 'edit' }, scope: ['labs'], rights: ['team_manager'] },
  // Lou: expired one millisecond ago.
  'lou.smithson@globex.test': { scope: ['finance'], pendingExpiresInMs: -1 },
  'elodie.ozturk@globex.test': { access: { resources: 'edit' }, scope: ['sales'] },
  'anna.smith3@initech.test': { scope: ['labs'] },
};

const USER_SPECS: UserSpec[] = PEOPLE.map(
  ([firstName, lastName, email, status, role, lastLoginHoursAgo]) => ({
    firstName,
    lastName,
    email,
    status,
    role,
    lastLoginHoursAgo,
    ...HOLDINGS[email],
  }),
);
for (const email of Object.keys(HOLDINGS)) {
  if (!PEOPLE.some((person) => person[2] === email)) throw new Error(`HOLDINGS names nobody: ${email}`);
}

export type FixtureUnit = {
  key: UnitKey;
  id: string;
  name: string;
  kind: OrgUnitKind;
  parentId: string | null;
};

export type FixtureUser = {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  roleId: string;
  roleName: string;
  lastLoginAt: Date | null;
  /** One user a day, in insertion order, the first 3,000 hours before START (unknown for a user a test adds). */
  createdAt?: Date;
  access: Partial<Record<Module, GrantedAccessLevel>>;
  scopeIds: string[];
  rights: Right[];
  /** Expiry of the pending invitation, if any. */
  pendingExpiresAt: Date | null;
};

export type Fixture = {
  admin: FixtureUser;
  /** A request of the administrator's session. */
  ctx: Context;
  caller: Caller;
  users: FixtureUser[];
  units: Record<UnitKey, FixtureUnit>;
  roleIds: Map<string, string>;
  roleId: (name: string) => string;
};

/**
 * The test file's harness, never reset, and the hand-built tenant built in it once before the tests
 * (`fx()`, inside tests and hooks).
 */
export function useFixture(): { h: Harness; fx: () => Fixture } {
  const h = useHarness({ reset: false });
  let built: Fixture | undefined;
  beforeAll(async () => {
    built = await buildFixture(h);
  });
  const fx = (): Fixture => {
    if (!built) throw new Error('The fixture is not built: read it inside a test or a hook');
    return built;
  };
  return { h, fx };
}

/**
 * Inserts the hand-built tenant (org tree, custom roles, users and everything they hold) and signs
 * its administrator in. The tests read it without resetting the database in between.
 */
export async function buildFixture(h: Harness): Promise<Fixture> {
  const db = h.db;
  // Org tree, parents first.
  const units: Partial<Record<UnitKey, FixtureUnit>> = {};
  for (const key of UNIT_KEYS) {
    const spec = UNIT_SPECS[key];
    const parentId = spec.parent ? (units[spec.parent]?.id ?? null) : null;
    if (spec.parent && !parentId) throw new Error(`Unit ${key} listed before its parent`);
    const [row] = await db
      .insert(orgUnits)
      .values({ name: spec.name, kind: spec.kind, parentId })
      .returning({ id: orgUnits.id });
    if (!row) throw new Error('The org unit was not inserted');
    units[key] = { key, id: row.id, name: spec.name, kind: spec.kind, parentId };
  }
  const unitOf = (key: UnitKey): FixtureUnit => {
    const unit = units[key];
    if (!unit) throw new Error(`Unknown unit ${key}`);
    return unit;
  };

  await db.insert(roles).values(CUSTOM_ROLES.map((name) => ({ name })));
  const roleRows = await db.select({ id: roles.id, name: roles.name }).from(roles);
  const roleIds = new Map(roleRows.map((r) => [r.name, r.id]));
  const roleId = (name: string): string => {
    const id = roleIds.get(name);
    if (!id) throw new Error(`Unknown role ${name}`);
    return id;
  };

  const inserted = await db
    .insert(users)
    .values(
      USER_SPECS.map((spec, i) => ({
        email: spec.email,
        firstName: spec.firstName,
        lastName: spec.lastName,
        status: spec.status,
        roleId: roleId(spec.role),
        activatedAt: spec.status === 'active' ? new Date(START.getTime() - 2000 * HOUR) : null,
        lastLoginAt:
          spec.lastLoginHoursAgo === null ? null : new Date(START.getTime() - spec.lastLoginHoursAgo * HOUR),
        createdAt: fixtureCreatedAt(i),
        updatedAt: new Date(START.getTime() - 3000 * HOUR),
      })),
    )
    .returning({ id: users.id, email: users.email });
  const idByEmail = new Map(inserted.map((r) => [r.email, r.id]));

  const model: FixtureUser[] = USER_SPECS.map((spec, i) => {
    const id = idByEmail.get(spec.email);
    if (!id) throw new Error(`User ${spec.email} was not inserted`);
    return {
      id,
      email: spec.email,
      firstName: spec.firstName,
      lastName: spec.lastName,
      status: spec.status,
      roleId: roleId(spec.role),
      roleName: spec.role,
      lastLoginAt:
        spec.lastLoginHoursAgo === null ? null : new Date(START.getTime() - spec.lastLoginHoursAgo * HOUR),
      createdAt: fixtureCreatedAt(i),
      access: spec.access ?? {},
      scopeIds: (spec.scope ?? []).map((key) => unitOf(key).id),
      rights: spec.rights ?? [],
      pendingExpiresAt:
        spec.pendingExpiresInMs === undefined ? null : new Date(START.getTime() + spec.pendingExpiresInMs),
    };
  });

  const accessRows = model.flatMap((user) =>
    MODULES.flatMap((module) => {
      const level = user.access[module];
      return level ? [{ userId: user.id, module, level }] : [];
    }),
  );
  if (accessRows.length) await db.insert(moduleAccess).values(accessRows);
  const scopeRows = model.flatMap((user) =>
    user.scopeIds.map((orgUnitId) => ({ userId: user.id, orgUnitId })),
  );
  if (scopeRows.length) await db.insert(userScopes).values(scopeRows);
  const rightRows = model.flatMap((user) => user.rights.map((right) => ({ userId: user.id, right })));
  if (rightRows.length) await db.insert(userRights).values(rightRows);

  const invitationRows = USER_SPECS.flatMap((spec, i) => {
    const user = model[i];
    if (!user) return [];
    const past = (spec.pastInvitations ?? []).map((inv, j) => ({
      userId: user.id,
      tokenHash: hashToken(randomUUID()),
      status: inv.status,
      expiresAt: new Date(START.getTime() + inv.expiresInHours * HOUR),
      createdAt: new Date(START.getTime() - (2000 - j) * HOUR),
      lastSentAt: new Date(START.getTime() - (2000 - j) * HOUR),
      acceptedAt: inv.status === 'accepted' ? new Date(START.getTime() - 1900 * HOUR) : null,
    }));
    const pending = user.pendingExpiresAt
      ? [
          {
            userId: user.id,
            tokenHash: hashToken(randomUUID()),
            status: 'pending' as const,
            expiresAt: user.pendingExpiresAt,
            createdAt: new Date(START.getTime() - 10 * HOUR),
            lastSentAt: new Date(START.getTime() - 10 * HOUR),
            acceptedAt: null,
          },
        ]
      : [];
    return [...past, ...pending];
  });
  if (invitationRows.length) await db.insert(invitations).values(invitationRows);

  const admin = model.find((u) => u.email === 'ada.admin@roster.test');
  if (!admin) throw new Error('The fixture has no administrator');
  const { ctx, caller } = await h.asUser(admin.id);
  return {
    admin,
    ctx,
    caller,
    users: model,
    units: {
      globex: unitOf('globex'),
      france: unitOf('france'),
      finance: unitOf('finance'),
      it: unitOf('it'),
      spain: unitOf('spain'),
      sales: unitOf('sales'),
      initech: unitOf('initech'),
      labs: unitOf('labs'),
    },
    roleIds,
    roleId,
  };
}

// ---------------------------------------------------------------------------------------------
// The model: what the API should answer, in plain JS
// ---------------------------------------------------------------------------------------------

/** The org units at and below `unitId` (the unit itself included). */
export function subtree(fixture: Fixture, unitId: string): Set<string> {
  const all = Object.values(fixture.units);
  const found = new Set<string>([unitId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const unit of all) {
      if (unit.parentId && found.has(unit.parentId) && !found.has(unit.id)) {
        found.add(unit.id);
        grew = true;
      }
    }
  }
  return found;
}

/** Whether one user matches the filter, decided from the fixture model only. */
export function matches(
  fixture: Fixture,
  user: FixtureUser,
  filter: UsersFilter,
  now: Date = START,
): boolean {
  if (filter.status?.length && !filter.status.includes(user.status)) return false;
  if (filter.invitationExpired !== undefined) {
    if (user.status !== 'invited' || !user.pendingExpiresAt) return false;
    const expired = user.pendingExpiresAt.getTime() <= now.getTime();
    if (expired !== filter.invitationExpired) return false;
  }
  if (filter.roleIds?.length && !filter.roleIds.includes(user.roleId)) return false;
  if (filter.module) {
    const wanted = filter.module.module;
    const module = MODULES.find((m) => m === wanted);
    const level = module ? user.access[module] : undefined;
    if (!level) return false;
    if (filter.module.minLevel === 'edit' && level !== 'edit') return false;
  }
  if (filter.orgUnitId) {
    const units = filter.includeDescendants
      ? subtree(fixture, filter.orgUnitId)
      : new Set([filter.orgUnitId]);
    if (!user.scopeIds.some((id) => units.has(id))) return false;
  }
  if (filter.right && !user.rights.some((r) => r === filter.right)) return false;
  if (filter.rights?.length && !user.rights.some((r) => filter.rights?.includes(r))) return false;
  if (filter.lastSignIn) {
    if (filter.lastSignIn.kind === 'never' && user.lastLoginAt !== null) return false;
    if (
      filter.lastSignIn.kind === 'olderThan' &&
      (user.lastLoginAt === null ||
        user.lastLoginAt.getTime() >= now.getTime() - filter.lastSignIn.days * 24 * HOUR)
    ) {
      return false;
    }
  }
  // A day is its UTC midnight; a "to" day includes that whole day; an instant is taken as it is.
  const day = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
  const created = user.createdAt?.getTime() ?? Number.NaN;
  if ((filter.createdFrom || filter.createdTo) && Number.isNaN(created)) {
    throw new Error(`The model does not know when ${user.email} was created`);
  }
  if (
    filter.createdFrom &&
    created < Date.parse(day(filter.createdFrom) ? `${filter.createdFrom}T00:00Z` : filter.createdFrom)
  ) {
    return false;
  }
  if (filter.createdTo) {
    const before = day(filter.createdTo)
      ? Date.parse(`${filter.createdTo}T00:00Z`) + 24 * HOUR
      : Date.parse(filter.createdTo);
    if (created >= before) return false;
  }
  if (
    filter.emailDomain &&
    user.email.slice(user.email.lastIndexOf('@') + 1) !== filter.emailDomain.toLowerCase().replace(/^@/, '')
  ) {
    return false;
  }
  const term = filter.search?.trim().toLowerCase();
  if (term) {
    const document = `${user.firstName} ${user.lastName} ${user.email}`.toLowerCase();
    if (!document.includes(term)) return false;
  }
  return true;
}

export function expectedIds(fixture: Fixture, filter: UsersFilter, now: Date = START): string[] {
  return fixture.users
    .filter((u) => matches(fixture, u, filter, now))
    .map((u) => u.id)
    .sort();
}

/** Plain code-point comparison: the test databases use the C collation. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const STATUS_RANK = new Map(USER_STATUSES.map((s, i) => [s, i]));

/** The fields a users sort reads: fixture users and listed rows both have them. */
export type SortableUser = Pick<
  FixtureUser,
  'id' | 'email' | 'firstName' | 'lastName' | 'status' | 'roleName'
> & {
  lastLoginAt: Date | null;
};

/** Ascending comparison in a sort: the JS model of the SQL sort keys. */
export function compareAsc(field: UserSort['field'], a: SortableUser, b: SortableUser): number {
  switch (field) {
    case 'name':
      return (
        compareText(a.lastName, b.lastName) ||
        compareText(a.firstName, b.firstName) ||
        compareText(a.id, b.id)
      );
    case 'email':
      return compareText(a.email, b.email);
    case 'status':
      return (STATUS_RANK.get(a.status) ?? 0) - (STATUS_RANK.get(b.status) ?? 0) || compareText(a.id, b.id);
    case 'role':
      return compareText(a.roleName, b.roleName) || compareText(a.id, b.id);
    case 'created':
      return compareText(a.id, b.id);
    case 'lastLogin': {
      const at = a.lastLoginAt?.getTime() ?? Number.NEGATIVE_INFINITY;
      const bt = b.lastLoginAt?.getTime() ?? Number.NEGATIVE_INFINITY;
      return (at === bt ? 0 : at < bt ? -1 : 1) || compareText(a.id, b.id);
    }
  }
}

/** The ids of the users in the order the sort must give them. */
export function expectedOrder(usersToSort: FixtureUser[], sort: UserSort): string[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...usersToSort].sort((a, b) => sign * compareAsc(sort.field, a, b)).map((u) => u.id);
}

/** Every page of a listing, following nextCursor to the end (or stopping after `maxPages`). */
export async function walkPages(
  caller: Caller,
  input: { filter?: UsersFilter; sort?: UserSort; limit: number },
  between?: (page: number, items: ListedUser[]) => Promise<void>,
  maxPages = 1000,
): Promise<{ pages: ListedUser[][]; totals: (number | null)[]; complete: boolean }> {
  const pages: ListedUser[][] = [];
  const totals: (number | null)[] = [];
  let cursor: string | undefined;
  while (pages.length < maxPages) {
    const page = await caller.users.list({ ...input, ...(cursor ? { cursor } : {}) });
    pages.push(page.items);
    totals.push(page.total);
    if (!page.nextCursor) return { pages, totals, complete: true };
    await between?.(pages.length, page.items);
    cursor = page.nextCursor;
  }
  return { pages, totals, complete: false };
}
