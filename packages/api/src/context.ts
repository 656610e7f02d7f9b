import type { Db } from '@roster/db';
import { type Actor, resolveActor } from './auth/actor';
import type { ApiConfig } from './config';

/** What the HTTP adapter tells the API about one request. */
export type RequestInfo = {
  sessionToken: string | undefined;
  bearerToken: string | undefined;
  ip: string;
  userAgent: string | undefined;
  /** The header only the Roster app sends; a cross-site form or image cannot set it. */
  hasCsrfHeader: boolean;
  /**
   * The tRPC procedures this HTTP request calls, in order: several for a batch (`/trpc/a,b?batch=1`),
   * none for a request that is not a tRPC call. A sign-in is refused in a batch.
   */
  procedures: readonly string[];
};

/** How the API sets or clears the session cookie, whatever the adapter. */
export type SessionCookie = {
  set: (token: string, expiresAt: Date) => void;
  clear: () => void;
};

export type ApiDeps = {
  db: Db;
  config: ApiConfig;
  /** The clock; tests move it. */
  now?: () => Date;
};

export type Context = {
  db: Db;
  config: ApiConfig;
  now: () => Date;
  request: RequestInfo;
  cookie: SessionCookie;
  actor: Actor | null;
};

export async function createContext(
  deps: ApiDeps,
  request: RequestInfo,
  cookie: SessionCookie,
): Promise<Context> {
  const now = deps.now ?? (() => new Date());
  const actor = await resolveActor(deps.db, request, now());
  return { db: deps.db, config: deps.config, now, request, cookie, actor };
}
