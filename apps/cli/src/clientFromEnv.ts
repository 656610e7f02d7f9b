import { createRosterClient, type RosterClient } from '@roster/client';
import { UsageError } from './cliErrors';

export type Connection = { client: RosterClient; url: string; token: string };

/** The client for the server and token named by ROSTER_URL and ROSTER_TOKEN. */
export function clientFromEnv(env: NodeJS.ProcessEnv = process.env): Connection {
  const url = env.ROSTER_URL?.trim();
  const token = env.ROSTER_TOKEN?.trim();
  if (!url || !token) {
    throw new UsageError(
      'Set ROSTER_URL (e.g. http://localhost:3000) and ROSTER_TOKEN (an API token from Admin › API tokens).',
    );
  }
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new UsageError(`ROSTER_URL is not an http(s) URL: ${url}`);
  }
  return { client: createRosterClient({ url, token }), url, token };
}
