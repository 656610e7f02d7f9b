import type { RosterClient, RouterOutputs } from '@roster/client';
import { RefusedError, UsageError } from './cliErrors';

export type ListedUser = RouterOutputs['users']['list']['items'][number];

/**
 * The user whose access "Copy access" copies: the one with exactly this e-mail (any case), looked up
 * as such (a search for it also matches every longer e-mail that holds it, and a page of those could
 * leave the user asked for out); `unknown_source_user` when nobody has it.
 */
export async function sourceUserByEmail(
  client: RosterClient,
  email: string,
): Promise<{ id: string; email: string }> {
  const found = await client.users.findByEmails.mutate({ text: email.trim() });
  // The lookup reads a list: two addresses given (a comma, a space) would copy from the first found.
  if (found.users.length + found.unknown.length + found.invalid.length > 1) {
    throw new UsageError(`--source is one e-mail address, got “${email}”.`);
  }
  const user = found.users[0];
  if (!user) throw new RefusedError('unknown_source_user', `No user has the e-mail “${email}”.`);
  return user;
}
