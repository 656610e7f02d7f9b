import type { RosterClient, UserSort, UsersFilter } from '@roster/client';
import { USER_SORT_FIELDS } from '@roster/domain';
import { type Command, Option } from 'commander';
import { collect, collectList } from './optionParsers';
import { usersFilterFrom } from './usersFilter';

/** A view of the users table on the command line: its filter in words, and its sort. */
export type UsersViewOptions = {
  status?: string[];
  role?: string[];
  search?: string;
  right?: string[];
  lastSignIn?: string;
  createdFrom?: string;
  createdTo?: string;
  domain?: string;
  sort: UserSort['field'];
  desc?: boolean;
};

/** The filter and sort options `users list` and `users export` both take. */
export function addUsersViewOptions(command: Command): Command {
  return command
    .option(
      '--status <statuses>',
      'created, invited, active or deactivated; several separated by commas',
      collectList,
    )
    .option('--role <name>', 'the role’s name; repeat for several roles', collect)
    .option('--search <text>', 'part of a name or e-mail')
    .option('--right <name>', 'a cross-functional right; repeat for users holding any of several', collect)
    .option('--last-sign-in <never|days>', '“never”, or N: signed in, but not in the last N days')
    .option('--created-from <day>', 'created on or after this UTC day (YYYY-MM-DD) or ISO instant')
    .option('--created-to <day>', 'created on or before this UTC day (included), or before this ISO instant')
    .option('--domain <domain>', 'e-mail domain, exactly (acme.com is not eu.acme.com), any case')
    .addOption(new Option('--sort <field>', 'sort by').choices(USER_SORT_FIELDS).default('name'))
    .option('--desc', 'sort in descending order');
}

/** The API's filter (role names looked up, the whole checked by the domain) and sort for these options. */
export async function usersViewFrom(
  client: RosterClient,
  options: UsersViewOptions,
): Promise<{ filter: UsersFilter; sort: UserSort }> {
  const filter = await usersFilterFrom(client, {
    statuses: options.status,
    roleNames: options.role,
    search: options.search,
    rights: options.right,
    lastSignIn: options.lastSignIn,
    createdFrom: options.createdFrom,
    createdTo: options.createdTo,
    emailDomain: options.domain,
  });
  return { filter, sort: { field: options.sort, direction: options.desc ? 'desc' : 'asc' } };
}
