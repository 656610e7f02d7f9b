import { randomBytes } from 'node:crypto';
import { hashToken } from '@roster/api';
import { createApiTokenBySignIn } from '@roster/client';
import { invitations, moduleAccess, roles, users } from '@roster/db';
import {
  type BUILT_IN_ROLES,
  type GrantedAccessLevel,
  MODULES,
  type Module,
  type UserStatus,
} from '@roster/domain';
import { startTestServer, TEST_ADMIN, type TestServer } from '@roster/server/testing';
import { eq, inArray } from 'drizzle-orm';
import { type CliRun, runCli } from './runCli';

export type RoleName = (typeof BUILT_IN_ROLES)[number];

export type CliServer = {
  server: TestServer;
  /** An API token of the test administrator, created through `tokens.create`. */
  token: string;
  adminId: string;
  /** Runs the CLI against this server with that token (or the env given), `input` on its stdin. */
  cli: (args: readonly string[], env?: Record<string, string | undefined>, input?: string) => Promise<CliRun>;
  /** Empties the database and gives the administrator a new token. */
  reset: () => Promise<void>;
  roleId: (name: RoleName) => Promise<string>;
};

/** Signs in as the test administrator and creates an API token, as a person does in Admin › API tokens. */
function createAdminToken(url: string): Promise<string> {
  return createApiTokenBySignIn({ url, ...TEST_ADMIN, tokenName: 'cli tests' });
}

/** A real server on a migrated database of its own, with the administrator's API token. */
export async function startCliServer(): Promise<CliServer> {
  const server = await startTestServer();
  const db = server.testDb.db;
  const state = { token: await createAdminToken(server.url), adminId: '' };
  const adminId = async () => {
    const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.email, TEST_ADMIN.email));
    if (!admin) throw new Error('The test administrator is missing');
    return admin.id;
  };
  state.adminId = await adminId();
  const cli: CliServer = {
    server,
    get token() {
      return state.token;
    },
    get adminId() {
      return state.adminId;
    },
    cli: (args, env = {}, input = undefined) =>
      runCli(args, { env: { ROSTER_URL: server.url, ROSTER_TOKEN: state.token, ...env }, input }),
    reset: async () => {
      await server.reset();
      state.token = await createAdminToken(server.url);
      state.adminId = await adminId();
    },
    roleId: async (name) => {
      const [role] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, name));
      if (!role) throw new Error(`The built-in role ${name} is missing`);
      return role.id;
    },
  };
  return cli;
}

export type NewUser = {
  email: string;
  status?: UserStatus;
  role?: RoleName;
  /** Whether the user ever accepted an invitation (reactivation returns such users to `active`). */
  activated?: boolean;
  /** For `invited` users: when their pending invitation was last sent. */
  invitationSentAt?: Date;
  modules?: Partial<Record<Module, GrantedAccessLevel>>;
};

export type InsertedUser = typeof users.$inferSelect;

/** Inserts users as the web app would have left them; invited users get a pending invitation. */
export async function insertUsers(cli: CliServer, specs: readonly NewUser[]): Promise<InsertedUser[]> {
  const db = cli.server.testDb.db;
  const roleIds = new Map<RoleName, string>();
  for (const spec of specs) {
    const role = spec.role ?? 'Reader';
    if (!roleIds.has(role)) roleIds.set(role, await cli.roleId(role));
  }
  const now = new Date();
  const inserted = await db
    .insert(users)
    .values(
      specs.map((spec) => {
        const status = spec.status ?? 'active';
        return {
          email: spec.email,
          firstName: spec.email.split('@')[0] ?? '',
          lastName: 'Test',
          status,
          roleId: roleIds.get(spec.role ?? 'Reader') ?? '',
          activatedAt: (spec.activated ?? status === 'active') ? now : null,
        };
      }),
    )
    .returning();
  const byEmail = new Map(inserted.map((user) => [user.email, user]));
  const pending = specs.filter((spec) => (spec.status ?? 'active') === 'invited');
  if (pending.length > 0) {
    await db.insert(invitations).values(
      pending.map((spec) => {
        const sentAt = spec.invitationSentAt ?? new Date(now.getTime() - 10 * 60_000);
        return {
          userId: byEmail.get(spec.email)?.id ?? '',
          tokenHash: hashToken(randomBytes(32).toString('base64url')),
          expiresAt: new Date(sentAt.getTime() + 7 * 86_400_000),
          lastSentAt: sentAt,
        };
      }),
    );
  }
  const access = specs.flatMap((spec) =>
    MODULES.flatMap((module) => {
      const level = spec.modules?.[module];
      return level ? [{ userId: byEmail.get(spec.email)?.id ?? '', module, level }] : [];
    }),
  );
  if (access.length > 0) await db.insert(moduleAccess).values(access);
  return specs.map((spec) => {
    const user = byEmail.get(spec.email);
    if (!user) throw new Error(`${spec.email} was not inserted`);
    return user;
  });
}

/** These users as stored now: e-mail, status and role name. */
function storedUsers(cli: CliServer, list: readonly InsertedUser[]) {
  return cli.server.testDb.db
    .select({ email: users.email, status: users.status, role: roles.name })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(
      inArray(
        users.id,
        list.map((u) => u.id),
      ),
    );
}

/** The statuses of these users, by e-mail, as stored now. */
export async function statusesByEmail(cli: CliServer, list: readonly InsertedUser[]) {
  return Object.fromEntries((await storedUsers(cli, list)).map((u) => [u.email, u.status]));
}

/** The role names of these users, by e-mail, as stored now. */
export async function roleNamesByEmail(cli: CliServer, list: readonly InsertedUser[]) {
  return Object.fromEntries((await storedUsers(cli, list)).map((u) => [u.email, u.role]));
}
