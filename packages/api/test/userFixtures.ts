/**
 * A small, hand-built tenant for the users list tests, with its own plain-JS model so that every
 * expected answer is computed independently of the SQL. Also a tiny caller setup (an administrator
 * with a session) and the error assertions these tests need.
 */
import { randomUUID } from 'node:crypto';
import {
  administratorRoleId,
  auditEvents,
  type Db,
  invitations,
  moduleAccess,
  orgUnits,
  roles,
  sessions,
  userRights,
  userScopes,
  users,
} from '@roster/db';
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
import { callTRPCProcedure, getTRPCErrorShape, type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import { count } from 'drizzle-orm';
import { expect } from 'vitest';
import {
  appRouter,
  type Context,
  createCaller,
  createContext,
  defaultApiConfig,
  hashToken,
  type RequestInfo,
  type RouterOutputs,
} from '../src';

/** The fixed clock of these tests: invitations expire relative to it. */
export const NOW = new Date('2026-03-02T09:00:00.000Z');
export const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type Caller = ReturnType<typeof createCaller>;
export type ListedUser = RouterOutputs['users']['list']['items'][number];

const request: RequestInfo = {
  sessionToken: undefined,
  bearerToken: undefined,
  ip: '127.0.0.1',
  userAgent: 'vitest',
  hasCsrfHeader: true,
  procedures: [],
};

/** A request carrying a fresh session of that user (its actor is null if the user may not sign in). */
export async function sessionContext(db: Db, userId: string | null, now: Date = NOW): Promise<Context> {
  let sessionToken: string | undefined;
  if (userId) {
    sessionToken = `test-session-${randomUUID()}`;
    await db
      .insert(sessions)
      .values({ userId, tokenHash: hashToken(sessionToken), expiresAt: new Date(now.getTime() + DAY) });
  }
  return createContext(
    { db, config: defaultApiConfig, now: () => now },
    { ...request, sessionToken },
    { set: () => {}, clear: () => {} },
  );
}

/** A context (and caller) for a signed-in user. */
export async function sessionFor(
  db: Db,
  userId: string,
  now: Date = NOW,
): Promise<{ ctx: Context; caller: Caller }> {
  const ctx = await sessionContext(db, userId, now);
  if (!ctx.actor) throw new Error('The test session did not resolve to an actor');
  return { ctx, caller: createCaller(ctx) };
}

/** A new active administrator (no password) with a session: for databases filled by `seedUsers`. */
export async function newAdmin(
  db: Db,
  now: Date = NOW,
): Promise<{ id: string; ctx: Context; caller: Caller }> {
  const [row] = await db
    .insert(users)
    .values({
      email: `admin-${randomUUID()}@roster.test`,
      firstName: 'Test',
      lastName: 'Administrator',
      status: 'active',
      roleId: await administratorRoleId(db),
      activatedAt: now,
    })
    .returning({ id: users.id });
  if (!row) throw new Error('The administrator was not inserted');
  return { id: row.id, ...(await sessionFor(db, row.id, now)) };
}

/** Calls a query by path with any raw input, as the HTTP adapter does (no compile-time input type). */
export function callQuery(ctx: Context, path: string, input: unknown): Promise<unknown> {
  return callTRPCProcedure({
    router: appRouter,
    path,
    type: 'query',
    ctx,
    getRawInput: async () => input,
    signal: undefined,
    batchIndex: 0,
  });
}

/** Awaits a call that must be refused; checks the tRPC code and the stable code clients read. */
export async function expectApiError(
  call: Promise<unknown>,
  code: TRPC_ERROR_CODE_KEY,
  domainCode: string,
): Promise<{ message: string }> {
  const caught = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught, `expected ${code} / ${domainCode}, but the call succeeded`).toBeDefined();
  if (!(caught instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(caught)}`);
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error: caught,
    type: 'query',
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  expect({ code: caught.code, domainCode: shape.data.domainCode }).toEqual({ code, domainCode });
  return { message: shape.message };
}

export async function auditEventCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditEvents);
  return row?.n ?? 0;
}

export async function userCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

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

/** Roles the fixture adds beside the built-in ones; `Empty role` has no user. */
const CUSTOM_ROLES = ['Auditor', 'Empty role'] as const;

type PastInvitation = { status: Exclude<InvitationStatus, 'pending'>; expiresInHours: number };

type UserSpec = {
  firstName: string;
  lastName: string;
  email: string;
  status: UserStatus;
  role: string;
  /** Hours before NOW of the last sign-in; null when never signed in. */
  lastLoginHoursAgo: number | null;
  access?: Partial<Record<Module, GrantedAccessLevel>>;
  scope?: UnitKey[];
  rights?: Right[];
  /** Milliseconds from NOW to the expiry of the pending invitation (negative: expired). */
  pendingExpiresInMs?: number;
  pastInvitations?: PastInvitation[];
};

const h = HOUR;

/**
 * The users, in insertion order (so `created` order differs from name order). Decoys sit next to
 * users with `%`, `_` and `\` in their e-mail: they would match if those were LIKE wildcards.
 */
const USER_SPECS: UserSpec[] = [
  {
    firstName: 'Ada',
    lastName: 'Admin',
    email: 'ada.admin@roster.test',
    status: 'active',
    role: 'Administrator',
    lastLoginHoursAgo: 1,
    access: { reporting: 'edit' },
    scope: ['globex'],
    rights: ['data_export'],
  },
  {
    firstName: 'Zoe',
    lastName: 'Young',
    email: 'zoe.young@globex.test',
    status: 'invited',
    role: 'Reader',
    lastLoginHoursAgo: null,
    scope: ['sales'],
    pendingExpiresInMs: 10 * h,
  },
  {
    firstName: 'Anna',
    lastName: 'Smith',
    email: 'anna.smith@globex.test',
    status: 'active',
    role: 'Contributor',
    lastLoginHoursAgo: 5,
    access: { projects: 'edit', budget: 'read' },
    scope: ['finance'],
    rights: ['budget_manager'],
  },
  {
    firstName: 'Anna',
    lastName: 'Smith',
    email: 'anna.smith2@globex.test',
    status: 'invited',
    role: 'Contributor',
    lastLoginHoursAgo: null,
    scope: ['it'],
    pendingExpiresInMs: 48 * h,
  },
  {
    firstName: 'Bob',
    lastName: 'Smith',
    email: 'bob.smith@globex.test',
    status: 'active',
    role: 'Reader',
    lastLoginHoursAgo: 5,
    access: { projects: 'read' },
    scope: ['france'],
  },
  {
    firstName: 'Carla',
    lastName: 'Smithers',
    email: 'carla.smithers@initech.test',
    status: 'deactivated',
    role: 'Buyer',
    lastLoginHoursAgo: 400,
    access: { suppliers: 'edit', contracts: 'read' },
    scope: ['labs'],
    rights: ['buyer'],
    pastInvitations: [{ status: 'accepted', expiresInHours: -600 }],
  },
  {
    firstName: 'Dan',
    lastName: 'Brown',
    email: 'dan.brown@globex.test',
    status: 'created',
    role: 'Reader',
    lastLoginHoursAgo: null,
    pastInvitations: [{ status: 'cancelled', expiresInHours: 24 }],
  },
  {
    firstName: 'Eve',
    lastName: 'Adams',
    email: 'eve.adams@globex.test',
    status: 'invited',
    role: 'Project manager',
    lastLoginHoursAgo: null,
    access: { projects: 'edit' },
    scope: ['sales'],
    rights: ['team_manager'],
    pendingExpiresInMs: -1 * h,
  },
  {
    firstName: 'Frank',
    lastName: 'Zappa',
    email: 'frank.zappa@initech.test',
    status: 'invited',
    role: 'Reader',
    lastLoginHoursAgo: null,
    scope: ['initech'],
    // Expires exactly now: expired.
    pendingExpiresInMs: 0,
  },
  {
    firstName: 'Gina',
    lastName: 'Lollo',
    email: 'gina.lollo@globex.test',
    status: 'invited',
    role: 'Buyer',
    lastLoginHoursAgo: null,
    access: { suppliers: 'read' },
    scope: ['spain'],
    rights: ['buyer'],
    pendingExpiresInMs: 1000,
  },
  {
    firstName: 'Hugo',
    lastName: 'Martin',
    email: 'hugo.martin@globex.test',
    status: 'active',
    role: 'Portfolio manager',
    lastLoginHoursAgo: 24,
    access: { portfolio: 'edit', reporting: 'read' },
    scope: ['globex'],
    rights: ['data_export'],
  },
  {
    firstName: 'Ines',
    lastName: 'Martin',
    email: 'ines.martin@globex.test',
    status: 'active',
    role: 'Portfolio manager',
    lastLoginHoursAgo: 72,
    access: { portfolio: 'read' },
    scope: ['france', 'sales'],
  },
  {
    firstName: 'Jack',
    lastName: 'Black',
    email: 'per%cent@globex.test',
    status: 'active',
    role: 'Reader',
    lastLoginHoursAgo: null,
    scope: ['it'],
  },
  {
    firstName: 'Kim',
    lastName: 'Decent',
    email: 'perhaps.decent@globex.test',
    status: 'active',
    role: 'Reader',
    lastLoginHoursAgo: 2,
  },
  {
    firstName: 'Leo',
    lastName: 'Snake',
    email: 'snake_case@initech.test',
    status: 'active',
    role: 'Contributor',
    lastLoginHoursAgo: 3,
    access: { applications: 'read' },
    scope: ['labs'],
    rights: ['referential_editor'],
  },
  {
    firstName: 'Mia',
    lastName: 'Snake',
    email: 'snake-case@initech.test',
    status: 'created',
    role: 'Contributor',
    lastLoginHoursAgo: null,
  },
  {
    firstName: 'Ned',
    lastName: 'Slash',
    email: 'back\\slash@globex.test',
    status: 'active',
    role: 'Reader',
    lastLoginHoursAgo: 6,
    access: { applications: 'edit' },
  },
  {
    firstName: 'Olga',
    lastName: 'Slash',
    email: 'backslash@globex.test',
    status: 'created',
    role: 'Reader',
    lastLoginHoursAgo: null,
  },
  {
    firstName: 'Paul',
    lastName: 'Olsen',
    email: 'paul.olsen@globex.test',
    status: 'deactivated',
    role: 'Project manager',
    lastLoginHoursAgo: 1000,
    access: { projects: 'edit', resources: 'edit' },
    scope: ['finance'],
    rights: ['timesheet_validator'],
  },
  {
    firstName: 'Quinn',
    lastName: 'Olsen',
    email: 'quinn.olsen@globex.test',
    status: 'invited',
    role: 'Project manager',
    lastLoginHoursAgo: null,
    access: { projects: 'read' },
    scope: ['finance'],
    pendingExpiresInMs: -200 * h,
    pastInvitations: [{ status: 'superseded', expiresInHours: -300 }],
  },
  {
    firstName: 'Rita',
    lastName: 'Olsen',
    email: 'rita.olsen@globex.test',
    status: 'invited',
    role: 'Auditor',
    lastLoginHoursAgo: null,
    access: { reporting: 'read' },
    rights: ['data_export'],
    // Not expired, though an older, superseded invitation of hers has.
    pendingExpiresInMs: 100 * h,
    pastInvitations: [{ status: 'superseded', expiresInHours: -50 }],
  },
  {
    firstName: 'Sam',
    lastName: 'Taylor',
    email: 'sam.taylor@globex.test',
    status: 'active',
    role: 'Buyer',
    lastLoginHoursAgo: 24,
    access: { suppliers: 'edit', contracts: 'edit', budget: 'read' },
    scope: ['spain'],
    rights: ['buyer', 'budget_manager'],
  },
  {
    firstName: 'Tina',
    lastName: 'Taylor',
    email: 'tina.taylor@initech.test',
    status: 'active',
    role: 'Auditor',
    lastLoginHoursAgo: 0.5,
    access: { reporting: 'edit' },
    scope: ['initech'],
    rights: ['data_export'],
  },
  {
    firstName: 'Uma',
    lastName: 'Underwood',
    email: 'uma.underwood@globex.test',
    status: 'created',
    role: 'Contributor',
    lastLoginHoursAgo: null,
    access: { projects: 'read' },
    scope: ['it'],
  },
  {
    firstName: 'Vic',
    lastName: 'Vega',
    email: 'vic.vega@globex.test',
    status: 'deactivated',
    role: 'Reader',
    lastLoginHoursAgo: null,
  },
  {
    firstName: 'Walt',
    lastName: 'White',
    email: 'walt.white@globex.test',
    status: 'active',
    role: 'Administrator',
    lastLoginHoursAgo: 48,
    access: { budget: 'edit' },
    scope: ['globex'],
    rights: ['budget_manager', 'data_export'],
  },
  {
    firstName: 'Xena',
    lastName: 'Warrior',
    email: 'xena.warrior@initech.test',
    status: 'active',
    role: 'Contributor',
    lastLoginHoursAgo: 12,
    access: { resources: 'read', projects: 'read' },
    scope: ['labs'],
    rights: ['timesheet_validator'],
  },
  {
    firstName: 'Yann',
    lastName: 'Young',
    email: 'yann.young@globex.test',
    status: 'invited',
    role: 'Reader',
    lastLoginHoursAgo: null,
    scope: ['sales'],
    pendingExpiresInMs: -10 * h,
  },
  {
    firstName: 'Abel',
    lastName: 'Zed',
    email: 'abel.zed@globex.test',
    status: 'active',
    role: 'Project manager',
    lastLoginHoursAgo: 30,
    access: { projects: 'edit', resources: 'read' },
    scope: ['it'],
    rights: ['team_manager'],
  },
  {
    firstName: 'Bea',
    lastName: 'Zed',
    email: 'bea.zed@globex.test',
    status: 'created',
    role: 'Project manager',
    lastLoginHoursAgo: null,
    access: { projects: 'edit' },
    scope: ['it'],
  },
  {
    firstName: 'Cleo',
    lastName: 'Quick',
    email: 'cleo.quick@globex.test',
    status: 'active',
    role: 'Contributor',
    lastLoginHoursAgo: 30,
    access: { projects: 'read' },
    scope: ['finance', 'it'],
  },
  {
    firstName: 'Dora',
    lastName: 'Explorer',
    email: 'dora.explorer@initech.test',
    status: 'deactivated',
    role: 'Contributor',
    lastLoginHoursAgo: 700,
    scope: ['labs'],
    pastInvitations: [{ status: 'accepted', expiresInHours: -800 }],
  },
  {
    firstName: 'Emil',
    lastName: 'Nolan',
    email: 'emil.nolan@globex.test',
    status: 'active',
    role: 'Reader',
    lastLoginHoursAgo: 1,
    scope: ['spain'],
    pastInvitations: [{ status: 'accepted', expiresInHours: -100 }],
  },
  {
    firstName: 'Fay',
    lastName: 'Nolan',
    email: 'fay.nolan@globex.test',
    status: 'invited',
    role: 'Reader',
    lastLoginHoursAgo: null,
    scope: ['spain'],
    pendingExpiresInMs: 1 * h,
  },
  {
    firstName: 'Gus',
    lastName: 'Grant',
    email: 'gus.grant@globex.test',
    status: 'created',
    role: 'Buyer',
    lastLoginHoursAgo: null,
    access: { suppliers: 'read' },
    rights: ['buyer'],
  },
  {
    firstName: 'Hal',
    lastName: 'Hart',
    email: 'hal.hart@initech.test',
    status: 'active',
    role: 'Reader',
    lastLoginHoursAgo: 8,
    access: { reporting: 'read' },
    scope: ['initech', 'labs'],
  },
  {
    firstName: 'Ivy',
    lastName: 'Hart',
    email: 'ivy.hart@initech.test',
    status: 'deactivated',
    role: 'Reader',
    lastLoginHoursAgo: 900,
    access: { reporting: 'edit' },
    scope: ['labs'],
  },
  {
    firstName: 'Joe',
    lastName: 'Kerr',
    email: 'joe.kerr@globex.test',
    status: 'created',
    role: 'Reader',
    lastLoginHoursAgo: null,
    scope: ['globex'],
  },
  {
    firstName: 'Kai',
    lastName: 'Smith',
    email: 'kai.smith@initech.test',
    status: 'active',
    role: 'Project manager',
    lastLoginHoursAgo: 4,
    access: { projects: 'edit' },
    scope: ['labs'],
    rights: ['team_manager'],
  },
  {
    firstName: 'Lou',
    lastName: 'Smithson',
    email: 'lou.smithson@globex.test',
    status: 'invited',
    role: 'Contributor',
    lastLoginHoursAgo: null,
    scope: ['finance'],
    // Expired one millisecond ago.
    pendingExpiresInMs: -1,
  },
  {
    firstName: 'Élodie',
    lastName: 'Öztürk',
    email: 'elodie.ozturk@globex.test',
    status: 'active',
    role: 'Contributor',
    lastLoginHoursAgo: 7,
    access: { resources: 'edit' },
    scope: ['sales'],
  },
  {
    firstName: 'Anna',
    lastName: 'Smith',
    email: 'anna.smith3@initech.test',
    status: 'deactivated',
    role: 'Reader',
    lastLoginHoursAgo: 5,
    scope: ['labs'],
  },
];

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
  access: Partial<Record<Module, GrantedAccessLevel>>;
  scopeIds: string[];
  rights: Right[];
  /** Expiry of the pending invitation, if any. */
  pendingExpiresAt: Date | null;
};

export type Fixture = {
  admin: FixtureUser;
  users: FixtureUser[];
  units: Record<UnitKey, FixtureUnit>;
  roleIds: Map<string, string>;
  roleId: (name: string) => string;
};

/** Inserts the hand-built tenant (org tree, custom roles, users and everything they hold). */
export async function buildFixture(db: Db): Promise<Fixture> {
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
      USER_SPECS.map((spec) => ({
        email: spec.email,
        firstName: spec.firstName,
        lastName: spec.lastName,
        status: spec.status,
        roleId: roleId(spec.role),
        activatedAt: spec.status === 'active' ? new Date(NOW.getTime() - 2000 * HOUR) : null,
        lastLoginAt:
          spec.lastLoginHoursAgo === null ? null : new Date(NOW.getTime() - spec.lastLoginHoursAgo * HOUR),
        createdAt: new Date(NOW.getTime() - 3000 * HOUR),
        updatedAt: new Date(NOW.getTime() - 3000 * HOUR),
      })),
    )
    .returning({ id: users.id, email: users.email });
  const idByEmail = new Map(inserted.map((r) => [r.email, r.id]));

  const model: FixtureUser[] = USER_SPECS.map((spec) => {
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
        spec.lastLoginHoursAgo === null ? null : new Date(NOW.getTime() - spec.lastLoginHoursAgo * HOUR),
      access: spec.access ?? {},
      scopeIds: (spec.scope ?? []).map((key) => unitOf(key).id),
      rights: spec.rights ?? [],
      pendingExpiresAt:
        spec.pendingExpiresInMs === undefined ? null : new Date(NOW.getTime() + spec.pendingExpiresInMs),
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
      expiresAt: new Date(NOW.getTime() + inv.expiresInHours * HOUR),
      createdAt: new Date(NOW.getTime() - (2000 - j) * HOUR),
      lastSentAt: new Date(NOW.getTime() - (2000 - j) * HOUR),
      acceptedAt: inv.status === 'accepted' ? new Date(NOW.getTime() - 1900 * HOUR) : null,
    }));
    const pending = user.pendingExpiresAt
      ? [
          {
            userId: user.id,
            tokenHash: hashToken(randomUUID()),
            status: 'pending' as const,
            expiresAt: user.pendingExpiresAt,
            createdAt: new Date(NOW.getTime() - 10 * HOUR),
            lastSentAt: new Date(NOW.getTime() - 10 * HOUR),
            acceptedAt: null,
          },
        ]
      : [];
    return [...past, ...pending];
  });
  if (invitationRows.length) await db.insert(invitations).values(invitationRows);

  const admin = model.find((u) => u.email === 'ada.admin@roster.test');
  if (!admin) throw new Error('The fixture has no administrator');
  return {
    admin,
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
export function matches(fixture: Fixture, user: FixtureUser, filter: UsersFilter, now: Date = NOW): boolean {
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
  const term = filter.search?.trim().toLowerCase();
  if (term) {
    const document = `${user.firstName} ${user.lastName} ${user.email}`.toLowerCase();
    if (!document.includes(term)) return false;
  }
  return true;
}

export function expectedIds(fixture: Fixture, filter: UsersFilter, now: Date = NOW): string[] {
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
