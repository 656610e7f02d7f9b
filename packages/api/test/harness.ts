/**
 * The one harness of the API tests: a migrated database of the test file's own, the clock the API
 * reads, requests built as the HTTP adapter builds them, builders for users and their sessions, and
 * the assertions on refused calls. A test file calls `useHarness()` once; the hand-built tenant of the
 * users list tests is in `userFixtures.ts`, the invitation helpers in `invitationFixtures.ts`.
 */
import { randomUUID } from 'node:crypto';
import {
  apiTokens,
  auditEvents,
  type Db,
  invitations,
  roles,
  sessions,
  signInThrottle,
  users,
} from '@roster/db';
import { createTestDb, type TestDb } from '@roster/db/testing';
import type { BUILT_IN_ROLES, BulkExecuteInput, UserStatus } from '@roster/domain';
import {
  callTRPCProcedure,
  getTRPCErrorShape,
  type TRPC_ERROR_CODE_KEY,
  TRPCError,
  type TRPCProcedureType,
} from '@trpc/server';
import { asc, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import {
  type ApiConfig,
  appRouter,
  type Context,
  createCaller,
  createContext,
  defaultApiConfig,
  hashPassword,
  hashToken,
  type RequestInfo,
  type SessionCookie,
} from '../src';

/** The password of every user the harness creates (hashed once per test file: scrypt is slow on purpose). */
export const PASSWORD = 'correct horse battery staple';
/** Where the harness clock stands after every reset. */
export const START = new Date('2026-03-02T09:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type RoleName = (typeof BUILT_IN_ROLES)[number];
export type Caller = ReturnType<typeof createCaller>;
export type UserRow = typeof users.$inferSelect;
export type BulkOperation = Parameters<Caller['bulk']['execute']>[0]['operation'];

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

/** What the users a test creates are like; every field has a default. */
export type UserSpec = {
  /** Only for one user; else `user<n>@roster.test`. */
  email?: string;
  role?: RoleName;
  status?: UserStatus;
  /** Whether the user has PASSWORD (default true). */
  withPassword?: boolean;
  /** Whether the user was ever activated (default: when active). */
  activated?: boolean;
};

/** A user with a session, and a request of that session. */
export type SignedIn = { user: UserRow; session: string; ctx: Context; caller: Caller };

export type HarnessOptions = {
  config?: Partial<ApiConfig>;
  /** An administrator for every test (`admin`), made after the database is created and each reset. */
  admin?: boolean;
};

let userSequence = 0;

export class Harness {
  readonly config: ApiConfig;
  readonly clock = new TestClock();
  readonly #withAdmin: boolean;
  #testDb: TestDb | undefined;
  #passwordHash: string | undefined;
  #roleIds = new Map<string, string>();
  #admin: SignedIn | undefined;

  constructor(options: HarnessOptions = {}) {
    this.config = { ...defaultApiConfig, ...options.config };
    this.#withAdmin = options.admin ?? false;
  }

  /** Creates the file's database; `useHarness` calls it before the file's tests. */
  readonly open = async (): Promise<void> => {
    this.#testDb = await createTestDb();
    this.#passwordHash = await hashPassword(PASSWORD);
    await this.#fresh();
  };

  /** What every test starts from: the ids of the built-in roles, and the administrator if asked for. */
  readonly #fresh = async (): Promise<void> => {
    const rows = await this.db.select({ id: roles.id, name: roles.name }).from(roles);
    this.#roleIds = new Map(rows.map((row) => [row.name, row.id]));
    this.#admin = this.#withAdmin ? await this.signedIn('Administrator', { signIn: false }) : undefined;
  };

  get testDb(): TestDb {
    if (!this.#testDb) throw new Error('The harness is used before it was opened (in beforeAll)');
    return this.#testDb;
  }

  get db(): Db {
    return this.testDb.db;
  }

  /** PASSWORD, hashed. */
  get passwordHash(): string {
    if (!this.#passwordHash) throw new Error('The harness is used before it was opened (in beforeAll)');
    return this.#passwordHash;
  }

  /** The administrator of the current test (with `admin: true`), signed in with a session written directly. */
  get admin(): SignedIn {
    if (!this.#admin) throw new Error('The harness has no administrator: create it with `admin: true`');
    return this.#admin;
  }

  /** Empties the database and puts the clock back to START. */
  readonly reset = async (): Promise<void> => {
    await this.testDb.reset();
    this.clock.set(START);
    await this.#fresh();
  };

  readonly close = async (): Promise<void> => {
    await this.#testDb?.close();
  };

  /** One request: its context is built (and its caller resolved) now, as the HTTP adapter does. */
  readonly request = async (
    info: Partial<RequestInfo> = {},
  ): Promise<{ ctx: Context; caller: Caller; cookie: RecordedCookie }> => {
    const cookie = recordCookie();
    const ctx = await createContext(
      { db: this.db, config: this.config, now: this.clock.now },
      { ...baseRequest, ...info },
      cookie,
    );
    return { ctx, caller: createCaller(ctx), cookie };
  };

  readonly anonymous = async (info: Partial<RequestInfo> = {}): Promise<Caller> =>
    (await this.request(info)).caller;

  readonly asSession = async (sessionToken: string, info: Partial<RequestInfo> = {}): Promise<Caller> =>
    (await this.request({ sessionToken, ...info })).caller;

  readonly asToken = async (bearerToken: string, info: Partial<RequestInfo> = {}): Promise<Caller> =>
    (await this.request({ bearerToken, ...info })).caller;

  /** The id of a built-in role, as it was after the database was created or last reset. */
  readonly roleId = (name: RoleName): string => {
    const id = this.#roleIds.get(name);
    if (!id) throw new Error(`The built-in role ${name} is missing`);
    return id;
  };

  /**
   * `count` users alike, in one insert (a Reader, active, with PASSWORD unless the spec says
   * otherwise). An invited user gets a pending invitation sent an hour ago, so that it can be resent.
   */
  readonly #insertUsers = async (count: number, spec: UserSpec): Promise<UserRow[]> => {
    const now = this.clock.now();
    const status = spec.status ?? 'active';
    const roleId = this.roleId(spec.role ?? 'Reader');
    const rows = await this.db
      .insert(users)
      .values(
        Array.from({ length: count }, () => {
          userSequence += 1;
          return {
            email: spec.email ?? `user${userSequence}@roster.test`,
            firstName: 'Test',
            lastName: `User ${userSequence}`,
            status,
            roleId,
            passwordHash: (spec.withPassword ?? true) ? this.passwordHash : null,
            activatedAt: (spec.activated ?? status === 'active') ? now : null,
            createdAt: now,
            updatedAt: now,
          };
        }),
      )
      .returning();
    if (rows.length !== count) throw new Error(`${rows.length} of ${count} users were inserted`);
    if (status === 'invited') {
      await this.db.insert(invitations).values(
        rows.map((row) => ({
          userId: row.id,
          tokenHash: hashToken(randomUUID()),
          expiresAt: new Date(now.getTime() + DAY),
          lastSentAt: new Date(now.getTime() - HOUR),
        })),
      );
    }
    return rows;
  };

  /** `count` new users alike (a Reader, active, with PASSWORD unless the spec says otherwise): their ids. */
  readonly createUsers = async (count: number, spec: Omit<UserSpec, 'email'> = {}): Promise<string[]> =>
    (await this.#insertUsers(count, spec)).map((row) => row.id);

  /** One new user (a Reader, active, with PASSWORD unless the spec says otherwise). */
  readonly createUser = async (spec: UserSpec = {}): Promise<UserRow> => {
    const [row] = await this.#insertUsers(1, spec);
    if (!row) throw new Error('The user was not inserted');
    return row;
  };

  /** Signs in through auth.signIn and returns the session token the cookie received. */
  readonly signIn = async (email: string, password = PASSWORD): Promise<string> => {
    const { caller, cookie } = await this.request();
    await caller.auth.signIn({ email, password });
    if (!cookie.token) throw new Error('auth.signIn succeeded without setting the session cookie');
    return cookie.token;
  };

  /**
   * A session of that user written straight to the database: no auth.signIn, so no password check,
   * audit event or last sign-in. The actor of its requests is null if the user may not sign in.
   */
  readonly newSession = async (userId: string): Promise<string> => {
    const session = `test-session-${randomUUID()}`;
    await this.db.insert(sessions).values({
      userId,
      tokenHash: hashToken(session),
      expiresAt: new Date(this.clock.now().getTime() + DAY),
    });
    return session;
  };

  /** A request of a new session of that user, written as `newSession` writes it. */
  readonly asUser = async (
    userId: string,
  ): Promise<{ ctx: Context; caller: Caller; cookie: RecordedCookie }> =>
    this.request({ sessionToken: await this.newSession(userId) });

  /**
   * A new active user of that role with a session, and a request of it: signed in through
   * auth.signIn (as a person signs in: audited, the last sign-in recorded) unless `signIn: false`
   * asks for a session written directly, as `newSession` writes it.
   */
  readonly signedIn = async (
    role: RoleName,
    options: { email?: string; signIn?: boolean } = {},
  ): Promise<SignedIn> => {
    const user = await this.createUser({ role, ...(options.email ? { email: options.email } : {}) });
    const session = (options.signIn ?? true) ? await this.signIn(user.email) : await this.newSession(user.id);
    const { ctx, caller } = await this.request({ sessionToken: session });
    if (!ctx.actor) throw new Error('The test session did not resolve to an actor');
    return { user, session, ctx, caller };
  };

  /** The administrator (`admin: true`) applies an operation to these users, as the Apply button does. */
  /** The administrator's Apply of `operation` to a selection, as a new operation. */
  readonly execute = (
    operation: BulkOperation,
    selection: BulkExecuteInput['selection'],
    confirm: Pick<BulkExecuteInput, 'confirmPrivileged' | 'confirmCount'> = {},
  ) => this.admin.caller.bulk.execute({ operationId: randomUUID(), operation, selection, ...confirm });

  /** The administrator's Apply of `operation` to these users. */
  readonly apply = (operation: BulkOperation, ids: string[], confirmPrivileged?: boolean) =>
    this.execute(operation, { ids }, { confirmPrivileged });

  /** The rows of these users, by id. */
  readonly userRows = (ids: string[]): Promise<UserRow[]> =>
    this.db.select().from(users).where(inArray(users.id, ids)).orderBy(users.id);

  readonly counts = async (): Promise<RowCounts> => {
    const total = async (
      table: typeof users | typeof sessions | typeof apiTokens | typeof auditEvents | typeof signInThrottle,
    ) => {
      const [row] = await this.db.select({ n: count() }).from(table);
      return row?.n ?? 0;
    };
    return {
      users: await total(users),
      sessions: await total(sessions),
      apiTokens: await total(apiTokens),
      auditEvents: await total(auditEvents),
      signInThrottle: await total(signInThrottle),
    };
  };

  /** The users an operation's audit rows are about, one entry per row (a user audited twice is there twice). */
  readonly auditedUserIds = async (operationId: string): Promise<(string | null)[]> =>
    (
      await this.db
        .select({ userId: auditEvents.userId })
        .from(auditEvents)
        .where(eq(auditEvents.operationId, operationId))
    ).map((row) => row.userId);

  readonly auditActions = async (): Promise<string[]> =>
    (await this.db.select({ action: auditEvents.action }).from(auditEvents).orderBy(asc(auditEvents.id))).map(
      (row) => row.action,
    );
}

/** An opened harness, for a test file that opens and closes it itself. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const harness = new Harness(options);
  await harness.open();
  return harness;
}

/**
 * The harness of one test file: its database is created before the file's tests and closed after
 * them, and emptied before each test unless `reset: false` (a file that builds one tenant for all).
 */
export function useHarness(options: HarnessOptions & { reset?: boolean } = {}): Harness {
  const harness = new Harness(options);
  beforeAll(harness.open);
  afterAll(harness.close);
  if (options.reset ?? true) beforeEach(harness.reset);
  return harness;
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
  expect({ code: caught.code, trpcCode: shape.data.trpcCode, domainCode: shape.data.code }).toEqual({
    code,
    trpcCode: code,
    domainCode,
  });
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

/** A caller of the same request under other settings (e.g. the batches cut at Apply). */
export function callerWithConfig(ctx: Context, config: Partial<ApiConfig>): Caller {
  return createCaller({ ...ctx, config: { ...ctx.config, ...config } });
}
