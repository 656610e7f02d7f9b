import type { RosterClient, UsersFilter } from '@roster/client';
import { GRANTED_ACCESS_LEVELS, USER_STATUSES, type UserStatus, usersFilterSchema } from '@roster/domain';
import { UsageError } from './cliErrors';
import { rolesByName } from './roleByName';

/** A users filter as people write it on the command line: names, not ids. */
export type FilterWords = {
  statuses?: string[];
  roleNames?: string[];
  search?: string;
  /** `budget` or `budget:edit` (at least that level; `read` when no level is given). */
  module?: string;
  right?: string;
  /** Users holding any of these rights. */
  rights?: string[];
  /** `never`, or a number of days (`90` or `90d`): signed in, but not in that many days. */
  lastSignIn?: string;
  /** A UTC day (`2026-03-01`) or an ISO instant with its offset; a `createdTo` day is included. */
  createdFrom?: string;
  createdTo?: string;
  emailDomain?: string;
  orgUnitId?: string;
  invitationExpired?: boolean;
};

const isStatus = (value: string): value is UserStatus => USER_STATUSES.some((s) => s === value);
const isGrantedLevel = (value: string): value is (typeof GRANTED_ACCESS_LEVELS)[number] =>
  GRANTED_ACCESS_LEVELS.some((level) => level === value);

function parseModule(text: string): NonNullable<UsersFilter['module']> {
  const [module = '', level = 'read'] = text.split(':').map((part) => part.trim());
  if (!module || !isGrantedLevel(level)) {
    throw new UsageError(`A module filter is NAME or NAME:LEVEL with LEVEL read or edit, not “${text}”.`);
  }
  return { module, minLevel: level };
}

function parseLastSignIn(text: string): NonNullable<UsersFilter['lastSignIn']> {
  const value = text.trim().toLowerCase();
  if (value === 'never') return { kind: 'never' };
  const days = /^(\d+)d?$/.exec(value)?.[1];
  if (days === undefined) {
    throw new UsageError(`A last sign-in filter is “never” or a number of days (e.g. 90), not “${text}”.`);
  }
  return { kind: 'olderThan', days: Number(days) };
}

/** The API's filter for these words: statuses checked, role names looked up, the whole checked by the domain's schema. */
export async function usersFilterFrom(client: RosterClient, words: FilterWords): Promise<UsersFilter> {
  const statuses = words.statuses?.map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const status of statuses ?? []) {
    if (!isStatus(status)) {
      throw new UsageError(`Unknown status “${status}”: use ${USER_STATUSES.join(', ')}.`);
    }
  }
  const roleIds = words.roleNames?.length
    ? (await rolesByName(client, words.roleNames)).map((role) => role.id)
    : undefined;
  const parsed = usersFilterSchema.safeParse({
    status: statuses?.length ? statuses : undefined,
    roleIds,
    search: words.search,
    module: words.module === undefined ? undefined : parseModule(words.module),
    right: words.right,
    rights: words.rights?.length ? words.rights.map((r) => r.trim()) : undefined,
    lastSignIn: words.lastSignIn === undefined ? undefined : parseLastSignIn(words.lastSignIn),
    createdFrom: words.createdFrom,
    createdTo: words.createdTo,
    emailDomain: words.emailDomain,
    orgUnitId: words.orgUnitId,
    invitationExpired: words.invitationExpired,
  });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  return parsed.data;
}
