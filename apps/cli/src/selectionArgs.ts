import { readFile } from 'node:fs/promises';
import { text as readAll } from 'node:stream/consumers';
import type { RosterClient, Selection } from '@roster/client';
import { SELECTION_MAX_IDS } from '@roster/domain';
import { UsageError } from './cliErrors';
import { formatCount } from './output';
import { userPath } from './userPath';
import { type FilterWords, usersFilterFrom } from './usersFilter';

/** How a bulk command names its users: exactly one of these. */
export type SelectionArgs = { ids?: string; idsFile?: string; filter?: string; exceptIds?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** The lines of a list a person wrote, with their numbers: `#` starts a comment, blank lines are left out. */
export function listLines(text: string): { line: string; number: number }[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: raw.replace(/#.*/, '').trim(), number: i + 1 }))
    .filter(({ line }) => line !== '');
}

/** A list of users is refused when it names nobody, or more than one selection takes (SELECTION_MAX_IDS). */
export function checkListSize(count: number, where: string, what: string): void {
  if (count === 0) throw new UsageError(`${where} lists no ${what}.`);
  if (count > SELECTION_MAX_IDS) {
    throw new UsageError(`${where}: at most ${formatCount(SELECTION_MAX_IDS)} ${what} at once.`);
  }
}

/** User ids separated by commas, spaces or new lines; `#` starts a comment in a file. */
export function parseIds(text: string, where: string): string[] {
  const ids = listLines(text).flatMap(({ line }) => line.split(/[\s,]+/).filter(Boolean));
  const wrong = ids.filter((id) => !isUuid(id));
  if (wrong.length > 0) {
    throw new UsageError(
      `${where}: ${wrong.length === 1 ? 'this is not a user id' : 'these are not user ids'}: ${wrong.slice(0, 3).join(', ')}${wrong.length > 3 ? ', …' : ''}`,
    );
  }
  checkListSize(ids.length, where, 'user ids');
  return ids;
}

const FILTER_KEYS = [
  'status',
  'role',
  'search',
  'module',
  'right',
  'last-sign-in',
  'created-from',
  'created-to',
  'email-domain',
  'org-unit',
  'invitation-expired',
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const isFilterKey = (key: string): key is FilterKey => FILTER_KEYS.some((k) => k === key);

/**
 * `status=invited,role=Reader` → filter words. A key may repeat (`status=created,status=invited`);
 * statuses and roles then match any of their values.
 */
export function parseFilterWords(text: string): FilterWords {
  const words: FilterWords = {};
  const pairs = text
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean);
  if (pairs.length === 0) throw new UsageError('--filter needs at least one condition, e.g. status=invited.');
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, Math.max(at, 0)).trim().toLowerCase();
    const value = pair.slice(at + 1).trim();
    if (at < 1 || !value) throw new UsageError(`--filter takes KEY=VALUE pairs, not “${pair}”.`);
    if (!isFilterKey(key)) {
      throw new UsageError(`--filter has no key “${key}”: use ${FILTER_KEYS.join(', ')}.`);
    }
    switch (key) {
      case 'status':
        words.statuses = [...(words.statuses ?? []), value];
        break;
      case 'role':
        words.roleNames = [...(words.roleNames ?? []), value];
        break;
      case 'search':
        words.search = value;
        break;
      case 'module':
        words.module = value;
        break;
      case 'right':
        // Repeated, users holding any of the rights.
        if (words.right === undefined && !words.rights) words.right = value;
        else {
          words.rights = [...(words.right ? [words.right] : []), ...(words.rights ?? []), value];
          words.right = undefined;
        }
        break;
      case 'last-sign-in':
        words.lastSignIn = value;
        break;
      case 'created-from':
        words.createdFrom = value;
        break;
      case 'created-to':
        words.createdTo = value;
        break;
      case 'email-domain':
        words.emailDomain = value;
        break;
      case 'org-unit':
        words.orgUnitId = value;
        break;
      case 'invitation-expired':
        if (value !== 'true' && value !== 'false') {
          throw new UsageError('--filter invitation-expired is true or false.');
        }
        words.invitationExpired = value === 'true';
        break;
    }
  }
  return words;
}

/**
 * The selection the API takes. A filter selection carries the number of users it matches now,
 * counted exactly (the API refuses with `selection_changed` if that number moves before the apply),
 * and the users `--except-ids` leaves out of it.
 */
export async function selectionFromArgs(client: RosterClient, args: SelectionArgs): Promise<Selection> {
  const given = [args.ids, args.idsFile, args.filter].filter((value) => value !== undefined).length;
  if (given !== 1) {
    throw new UsageError('Name the users with exactly one of --ids, --ids-file or --filter.');
  }
  if (args.exceptIds !== undefined && args.filter === undefined) {
    throw new UsageError('--except-ids leaves users out of a --filter selection: give --filter too.');
  }
  if (args.ids !== undefined) return { ids: parseIds(args.ids, '--ids') };
  if (args.idsFile !== undefined) {
    const text = await readListFile(args.idsFile, '--ids-file');
    return { ids: parseIds(text, args.idsFile === '-' ? 'standard input' : args.idsFile) };
  }
  const filter = await usersFilterFrom(client, parseFilterWords(args.filter ?? ''));
  const { total } = await client.users.count.query({ filter });
  // "All N matching except these": N is the filter's own count, the left-out users included.
  const exceptIds = args.exceptIds === undefined ? [] : parseIds(args.exceptIds, '--except-ids');
  return { filter, expectedCount: total, ...(exceptIds.length ? { exceptIds } : {}) };
}

/** The text of a list file an option names (`-`: standard input); a file that cannot be read is a usage error. */
export async function readListFile(path: string, option: string): Promise<string> {
  if (path === '-') return readAll(process.stdin);
  try {
    return await readFile(userPath(path), 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new UsageError(`Cannot read ${option} ${path} (${reason}).`);
  }
}
