import { USERS_PAGE_MAX } from '@roster/domain';
import type { Command } from 'commander';
import { clientFromEnv } from '../clientFromEnv';
import { globalOptions } from '../globalOptions';
import { positiveInteger } from '../optionParsers';
import { formatCount, formatTable, formatTime, printJson, printLine, printNote } from '../output';
import type { ListedUser } from '../userByEmail';
import { addUsersViewOptions, type UsersViewOptions, usersViewFrom } from '../usersViewOptions';

type UsersListOptions = UsersViewOptions & { limit: number };

export function addUsersListCommand(users: Command): void {
  addUsersViewOptions(
    users.command('list').description('list users, filtered and sorted like the Users page'),
  )
    .option('--limit <n>', 'list at most this many users', positiveInteger, 50)
    .action(async (options: UsersListOptions, command: Command) => {
      const { json } = globalOptions(command);
      const { client } = clientFromEnv();
      const { filter, sort } = await usersViewFrom(client, options);
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
