import type { UserSort } from '@roster/client';
import { USER_SORT_FIELDS, USERS_PAGE_MAX } from '@roster/domain';
import { type Command, Option } from 'commander';
import { clientFromEnv } from '../clientFromEnv';
import { globalOptions } from '../globalOptions';
import { collect, collectList, positiveInteger } from '../optionParsers';
import { formatCount, formatTable, formatTime, printJson, printLine, printNote } from '../output';
import type { ListedUser } from '../userByEmail';
import { usersFilterFrom } from '../usersFilter';

type UsersListOptions = {
  status?: string[];
  role?: string[];
  search?: string;
  limit: number;
  sort: UserSort['field'];
  desc?: boolean;
};

export function addUsersListCommand(users: Command): void {
  users
    .command('list')
    .description('list users, filtered and sorted like the Users page')
    .option(
      '--status <statuses>',
      'created, invited, active or deactivated; several separated by commas',
      collectList,
    )
    .option('--role <name>', 'the role’s name; repeat for several roles', collect)
    .option('--search <text>', 'part of a name or e-mail')
    .option('--limit <n>', 'list at most this many users', positiveInteger, 50)
    .addOption(new Option('--sort <field>', 'sort by').choices(USER_SORT_FIELDS).default('name'))
    .option('--desc', 'sort in descending order')
    .action(async (options: UsersListOptions, command: Command) => {
      const { json } = globalOptions(command);
      const { client } = clientFromEnv();
      const filter = await usersFilterFrom(client, {
        statuses: options.status,
        roleNames: options.role,
        search: options.search,
      });
      const sort: UserSort = { field: options.sort, direction: options.desc ? 'desc' : 'asc' };
      const items: ListedUser[] = [];
      let cursor: string | undefined;
      let total = 0;
      do {
        const page = await client.users.list.query({
          filter,
          sort,
          cursor,
          limit: Math.min(USERS_PAGE_MAX, options.limit - items.length),
        });
        if (cursor === undefined) {
          total = page.total ?? 0;
        }
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < options.limit);

      if (json) return printJson({ total, items });
      for (const line of formatTable(items, [
        { title: 'E-MAIL', value: (u) => u.email },
        { title: 'NAME', value: (u) => `${u.firstName} ${u.lastName}`.trim() || '—' },
        { title: 'STATUS', value: (u) => u.status },
        { title: 'ROLE', value: (u) => u.roleName },
        { title: 'LAST SIGN-IN', value: (u) => formatTime(u.lastLoginAt) },
        { title: 'ID', value: (u) => u.id },
      ])) {
        printLine(line);
      }
      printNote(`${formatCount(items.length)} of ${formatCount(total)} matching users.`);
    });
}
