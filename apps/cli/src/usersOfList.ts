import { type RosterClient, rosterErrorCode } from '@roster/client';
import { EMAIL_LIST_MAX, parseEmailList } from '@roster/domain';
import { UsageError } from './cliErrors';
import { formatCount } from './output';
import { checkListSize, isUuid, listLines } from './selectionArgs';

/** A list of users as a person writes one: a user id or an e-mail address a line. */
export type UserList = { ids: string[]; emails: string[] };

/** Lines that are neither, named by their number, at most this many. */
const WRONG_LINES_SHOWN = 3;

/**
 * Reads a list of users, one a line (`#` starts a comment, blank lines are skipped): each line a user
 * id or an e-mail address, anything else a usage error that names the line. Repeats are dropped.
 */
export function parseUserList(text: string, where: string): UserList {
  const ids = new Set<string>();
  const emails = new Set<string>();
  const wrong: string[] = [];
  for (const { line, number } of listLines(text)) {
    if (isUuid(line)) {
      ids.add(line.toLowerCase());
      continue;
    }
    // An address as the server reads one (`users.findByEmails`): one to a line, nothing invalid.
    const parsed = parseEmailList(line);
    const [email] = parsed.emails;
    if (email !== undefined && parsed.emails.length === 1 && parsed.invalid.length === 0) emails.add(email);
    else wrong.push(`line ${number} “${line}”`);
  }
  if (wrong.length > 0) {
    throw new UsageError(
      `${where}: each line is a user id or an e-mail address, not ${wrong.slice(0, WRONG_LINES_SHOWN).join(', ')}${wrong.length > WRONG_LINES_SHOWN ? `, and ${formatCount(wrong.length - WRONG_LINES_SHOWN)} more` : ''}.`,
    );
  }
  checkListSize(ids.size + emails.size, where, 'users');
  return { ids: [...ids], emails: [...emails] };
}

/**
 * The listed e-mail addresses as user ids (`users.findByEmails`, one request per EMAIL_LIST_MAX
 * addresses), with the addresses no user has.
 */
export async function idsOfEmails(
  client: RosterClient,
  emails: readonly string[],
): Promise<{ ids: string[]; unknown: string[] }> {
  const ids: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < emails.length; i += EMAIL_LIST_MAX) {
    const found = await client.users.findByEmails.mutate({
      text: emails.slice(i, i + EMAIL_LIST_MAX).join('\n'),
    });
    ids.push(...found.users.map((user) => user.id));
    // Every address was read by the same parseEmailList before it was sent: none is invalid.
    unknown.push(...found.unknown);
  }
  return { ids, unknown };
}

/** Most ids looked up one by one to name the unknown ones (the API has no set-based look-up of ids). */
export const IDS_NAMED_MAX = 1_000;

/**
 * The listed ids no user has. Only asked once a selection of them was refused (`user_not_found`):
 * `users.get` for each, ten to a request (the client's batch), so at most IDS_NAMED_MAX of them;
 * undefined for a longer list.
 */
export async function unknownIds(
  client: RosterClient,
  ids: readonly string[],
): Promise<string[] | undefined> {
  if (ids.length > IDS_NAMED_MAX) return undefined;
  const unknown: string[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const group = ids.slice(i, i + 10);
    const found = await Promise.all(
      group.map((id) =>
        client.users.get.query({ id }).then(
          () => true,
          (error: unknown) => {
            if (rosterErrorCode(error) === 'user_not_found') return false;
            throw error;
          },
        ),
      ),
    );
    unknown.push(...group.filter((_, j) => !found[j]));
  }
  return unknown;
}
