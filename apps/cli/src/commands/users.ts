import type { Command } from 'commander';
import { addUsersCreateCommand } from './usersCreate';
import { addUsersExportCommand } from './usersExport';
import { addUsersListCommand } from './usersList';

/** `roster users …` */
export function addUsersCommand(program: Command): void {
  const users = program.command('users').description('the users of the tenant');
  addUsersListCommand(users);
  addUsersExportCommand(users);
  addUsersCreateCommand(users);
}
