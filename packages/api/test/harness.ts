import { apiTokens, auditEvents, type Db, roles, sessions, signInThrottle, users } from '@roster/db';
import { createTestDb, type TestDb } from '@roster/db/testing';
import type { BUILT_IN_ROLES, UserStatus } from '@roster/domain';
import {
  callTRPCProcedure,
  getTRPCErrorShape,
  type TRPC_ERROR_CODE_KEY,
  TRPCError,
  type TRPCProcedureType,
} from '@trpc/server';
import { asc, count, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import {
  type ApiConfig,
  appRouter,
  type Context,
  createCaller,
  createContext,
  defaultApiConfig,
  hashPassword,
  type RequestInfo,
  type SessionCookie,
} from '../src';

/** The password of every user the harness creates (hashed once per test file: scrypt is slow on purpose). */
export const PASSWORD = 'correct horse battery staple';
export const START = new Date('2026-03-02T09:00:00.000Z');

export type RoleName = (typeof BUILT_IN_ROLES)[number];
export type Caller = ReturnType<typeof createCaller>;

/** The clock the API reads (`deps.now`); tests move it instead of waiting. */
export class TestClock {
  #now = START.getTime();
  readonly now = (): Date => new Date(this.#now);
  set(at: Date): void {
    this.#now = at.getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** What the API did to the session cookie during one request. */
export type RecordedCookie = SessionCookie & {
  token: string | undefined;
  expiresAt: Date | undefined;
  cleared: boolean;
};

export function recordCookie(): RecordedCookie {
  const recorded: RecordedCookie = {
    token: undefined,
    expiresAt: undefined,
    cleared: false,
    set: (token, expiresAt) => {
      recorded.token = token;
      recorded.expiresAt = expiresAt;
    },
    clear: () => {
      recorded.token = undefined;
      recorded.cleared = true;
    },
  };
  return recorded;
}

export const baseRequest: RequestInfo = {
  sessionToken: undefined,
  bearerToken: undefined,
  ip: '127.0.0.1',
  userAgent: 'vitest',
  hasCsrfHeader: true,
  procedures: [],
};

export type RowCounts = {
  users: number;
  sessions: number;
  apiTokens: number;
  auditEvents: number;
  signInThrottle: number;
};

export type Harness = {
  testDb: TestDb;
  db: Db;
  config: ApiConfig;
  clock: TestClock;
  passwordHash: string;
  /** Empties the database and puts the clock back to START. */
  reset: () => Promise<void>;
  close: () => Promise<void>;
  /** One request: its context is built (and its caller resolved) now, as the HTTP adapter does. */
  request: (info?: Partial<RequestInfo>) => Promise<{ ctx: Context; caller: Caller; cookie: RecordedCookie }>;
  anonymous: (info?: Partial<RequestInfo>) => Promise<Caller>;
  asSession: (sessionToken: string, info?: Partial<RequestInfo>) => Promise<Caller>;
  asToken: (bearerToken: string, info?: Partial<RequestInfo>) => Promise<Caller>;
  createUser: (options?: {
    email?: string;
    role?: RoleName;
    status?: UserStatus;
    withPassword?: boolean;
  }) => Promise<typeof users.$inferSelect>;
  /** Signs in through auth.signIn and returns the session token the cookie received. */
  signIn: (email: string, password?: string) => Promise<string>;
  /** A new active user of that role, signed in. */
  signedIn: (role: RoleName, email?: string) => Promise<{ user: typeof users.$inferSelect; session: string }>;
  counts: () => Promise<RowCounts>;
  auditActions: () => Promise<string[]>;
  roleId: (name: RoleName) => Promise<string>;
};

let userSequence = 0;

export async function createHarness(options: { config?: Partial<ApiConfig> } = {}): Promise<Harness> {
  const testDb = await createTestDb();
  const db = testDb.db;
  const config: ApiConfig = { ...defaultApiConfig, ...options.config };
  const clock = new TestClock();
  const passwordHash = await hashPassword(PASSWORD);

  const request: Harness['request'] = async (info = {}) => {
    const cookie = recordCookie();
    const ctx = await createContext({ db, config, now: clock.now }, { ...baseRequest, ...info }, cookie);
    return { ctx, caller: createCaller(ctx), cookie };
  };

  const roleId: Harness['roleId'] = async (name) => {
    const [row] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, name));
    if (!row) throw new Error(`The built-in role ${name} is missing`);
    return row.id;
  };

  const createUser: Harness['createUser'] = async (options = {}) => {
    userSequence += 1;
    const now = clock.now();
    const [row] = await db
      .insert(users)
      .values({
        email: options.email ?? `user${userSequence}@roster.test`,
        firstName: 'Test',
        lastName: `User ${userSequence}`,
        status: options.status ?? 'active',
        roleId: await roleId(options.role ?? 'Reader'),
        passwordHash: (options.withPassword ?? true) ? passwordHash : null,
        activatedAt: (options.status ?? 'active') === 'active' ? now : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('The user was not inserted');
    return row;
  };

  const signIn: Harness['signIn'] = async (email, password = PASSWORD) => {
    const { caller, cookie } = await request();
    await caller.auth.signIn({ email, password });
    if (!cookie.token) throw new Error('auth.signIn succeeded without setting the session cookie');
    return cookie.token;
  };

  const counts: Harness['counts'] = async () => {
    const total = async (table: typeof users | typeof sessions | typeof apiTokens | typeof auditEvents) => {
      const [row] = await db.select({ n: count() }).from(table);
      return row?.n ?? 0;
    };
    const [throttle] = await db.select({ n: count() }).from(signInThrottle);
    return {
      users: await total(users),
      sessions: await total(sessions),
      apiTokens: await total(apiTokens),
      auditEvents: await total(auditEvents),
      signInThrottle: throttle?.n ?? 0,
    };
  };

  return {
    testDb,
    db,
    config,
    clock,
    passwordHash,
    reset: async () => {
      await testDb.reset();
      clock.set(START);
    },
    close: () => testDb.close(),
    request,
    anonymous: async (info = {}) => (await request(info)).caller,
    asSession: async (sessionToken, info = {}) => (await request({ sessionToken, ...info })).caller,
    asToken: async (bearerToken, info = {}) => (await request({ bearerToken, ...info })).caller,
    createUser,
    signIn,
    signedIn: async (role, email) => {
      const user = await createUser({ role, ...(email ? { email } : {}) });
      return { user, session: await signIn(user.email) };
    },
    counts,
    auditActions: async () =>
      (await db.select({ action: auditEvents.action }).from(auditEvents).orderBy(asc(auditEvents.id))).map(
        (row) => row.action,
      ),
    roleId,
  };
}

/** The error shape a client receives for this error (the app's own errorFormatter applied). */
export function errorShapeOf(error: TRPCError) {
  return getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: 'unknown',
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
}

/** Awaits a call that must be refused, and checks the tRPC code and the stable code clients read. */
export async function expectTRPCError(
  call: Promise<unknown>,
  code: TRPC_ERROR_CODE_KEY,
  domainCode: string,
): Promise<TRPCError> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a ${code} / ${domainCode} error, but the call succeeded`).toBeInstanceOf(
    TRPCError,
  );
  if (!(caught instanceof TRPCError)) throw new Error('unreachable');
  const shape = errorShapeOf(caught);
  expect({ code: caught.code, domainCode: shape.data.domainCode }).toEqual({ code, domainCode });
  return caught;
}

export type ProcedureInfo = { path: string; type: TRPCProcedureType };

/** Every procedure of the app router, by its dotted path, as the HTTP adapter sees them. */
export function listProcedures(): ProcedureInfo[] {
  const procedures: Record<string, unknown> = appRouter._def.procedures;
  return Object.entries(procedures).map(([path, procedure]) => {
    const type =
      typeof procedure === 'function' &&
      '_def' in procedure &&
      procedure._def &&
      typeof procedure._def === 'object'
        ? Reflect.get(procedure._def, 'type')
        : undefined;
    if (type !== 'query' && type !== 'mutation' && type !== 'subscription') {
      throw new Error(`${path} is not a tRPC procedure`);
    }
    return { path, type };
  });
}

/** Calls a procedure by path with any raw input, as the HTTP adapter does (no compile-time input type). */
export function callByPath(ctx: Context, procedure: ProcedureInfo, input: unknown): Promise<unknown> {
  return callTRPCProcedure({
    router: appRouter,
    path: procedure.path,
    type: procedure.type,
    ctx,
    getRawInput: async () => input,
    signal: undefined,
    batchIndex: 0,
  });
}
