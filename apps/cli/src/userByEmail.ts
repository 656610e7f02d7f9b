import type { RosterClient, RouterOutputs } from '@roster/client';
import { RefusedError } from './cliErrors';

export type ListedUser = RouterOutputs['users']['list']['items'][number];

/** The user with exactly this e-mail (any case), found through the users list's search. */
export async function userByEmail(client: RosterClient, email: string): Promise<ListedUser | undefined> {
  const wanted = email.trim().toLowerCase();
  const page = await client.users.list.query({ filter: { search: wanted }, limit: 50 });
  return page.items.find((user) => user.email === wanted);
}

/** The user whose access "Copy access" copies; `unknown_source_user` when nobody has that e-mail. */
export async function sourceUserByEmail(client: RosterClient, email: string): Promise<ListedUser> {
  const user = await userByEmail(client, email);
  if (!user) throw new RefusedError('unknown_source_user', `No user has the e-mail “${email}”.`);
  return user;
}
