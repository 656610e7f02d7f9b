import type { AppRouter } from '@roster/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { rosterTransformer } from './transformer';

export type ApiTokenBySignInOptions = {
  /** The Roster server, e.g. `http://localhost:3000`. */
  url: string;
  /** An administrator's e-mail and password. */
  email: string;
  password: string;
  /** The name the token is listed under in Admin › API tokens. */
  tokenName: string;
  fetch?: typeof globalThis.fetch;
};

/**
 * Signs an administrator in with their password, as the web app does (a cookie session, with the
 * `x-roster-csrf: 1` header every cookie-session call carries), creates an API token named
 * `tokenName`, signs out and returns the token, shown this once. For set-up scripts that start from
 * a password; a tool keeps the token and uses `createRosterClient`.
 */
export async function createApiTokenBySignIn(options: ApiTokenBySignInOptions): Promise<string> {
  const fetchOnce = options.fetch ?? globalThis.fetch;
  let session = '';
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.url.replace(/\/$/, '')}/trpc`,
        transformer: rosterTransformer,
        headers: () => ({ 'x-roster-csrf': '1', ...(session ? { cookie: session } : {}) }),
        fetch: async (input, init) => {
          const response = await fetchOnce(input, init);
          const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
          if (cookies.length > 0) session = cookies.join('; ');
          return response;
        },
      }),
    ],
  });
  await client.auth.signIn.mutate({ email: options.email, password: options.password });
  const created = await client.tokens.create.mutate({ name: options.tokenName });
  await client.auth.signOut.mutate();
  return created.token;
}
