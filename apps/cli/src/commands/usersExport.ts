import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openUsersExport, type RosterClient, RosterExportError } from '@roster/client';
import {
  isEmptyFilter,
  USER_COLUMNS,
  type UserColumn,
  type UsersExportInput,
  type UsersFilter,
} from '@roster/domain';
import { type Command, InvalidArgumentError } from 'commander';
import { RefusedError, TOKEN_REFUSED_MESSAGE, UsageError } from '../cliErrors';
import { type Connection, clientFromEnv } from '../clientFromEnv';
import { collectList } from '../optionParsers';
import { formatCount, plural, printNote, streamToStdout } from '../output';
import { readListFile } from '../selectionArgs';
import { IDS_NAMED_MAX, idsOfEmails, parseUserList, unknownIds } from '../usersOfList';
import { addUsersViewOptions, type UsersViewOptions, usersViewFrom } from '../usersViewOptions';

type UsersExportOptions = UsersViewOptions & { columns?: UserColumn[]; out?: string; ids?: string };

const isColumn = (value: string): value is UserColumn => USER_COLUMNS.some((c) => c === value);

function columnList(value: string, previous: UserColumn[] | undefined): UserColumn[] {
  const columns = collectList(value, []);
  for (const column of columns) {
    if (!isColumn(column))
      throw new InvalidArgumentError(`Unknown column “${column}”: use ${USER_COLUMNS.join(', ')}.`);
  }
  return [...(previous ?? []), ...columns.filter(isColumn)];
}

export function addUsersExportCommand(users: Command): void {
  addUsersViewOptions(
    users
      .command('export')
      .description('write the users of a view as CSV (the Users page’s Export), streamed from the server'),
  )
    .option(
      '--columns <columns>',
      `columns, separated by commas, from ${USER_COLUMNS.join(', ')} (default: name, email, role, status, moduleAccess)`,
      columnList,
    )
    .option('--out <file>', 'write to this file instead of standard output')
    .option(
      '--ids <file>',
      'export only these users: a file (- for standard input) of user ids or e-mail addresses, one a line',
    )
    .action(async (options: UsersExportOptions) => {
      const connection = clientFromEnv();
      const { filter, sort } = await usersViewFrom(connection.client, options);
      const columns = options.columns ? { columns: options.columns } : {};
      const body =
        options.ids === undefined
          ? await openExport(connection, { filter, sort, ...columns })
          : await openListExport(connection, options.ids, filter, { sort, ...columns });
      // The body goes out as it arrives: nothing waits for the whole file.
      if (options.out === undefined) {
        await streamed(streamToStdout(Readable.fromWeb(body)), 'what was written is incomplete');
        return;
      }
      // Written beside the file and renamed once whole: a cut export never stands where the export is
      // expected, and a file already there is replaced by a whole one only.
      const partial = `${options.out}.${process.pid}.partial`;
      try {
        await streamed(
          pipeline(Readable.fromWeb(body), createWriteStream(partial, { flags: 'wx' })),
          `${options.out} was not written`,
        );
        await rename(partial, options.out);
      } finally {
        await rm(partial, { force: true });
      }
      printNote(`Exported to ${options.out}.`);
    });
}

/**
 * Waits for the export to be written; a connection that closed before the last line (the server
 * stopped, the network cut) is `export_interrupted`. A file that cannot be written is its own error.
 */
async function streamed(writing: Promise<void>, whatOfIt: string): Promise<void> {
  try {
    await writing;
  } catch (error) {
    if (error instanceof Error && 'syscall' in error) throw error;
    throw new RefusedError(
      'export_interrupted',
      `The export stopped before its end (${error instanceof Error ? error.message : String(error)}): ${whatOfIt}. Run it again.`,
    );
  }
}

async function openExport(connection: Connection, input: UsersExportInput) {
  try {
    return await openUsersExport({ url: connection.url, token: connection.token }, input);
  } catch (error) {
    if (!(error instanceof RosterExportError)) throw error;
    throw new RefusedError(
      error.code,
      error.code === 'not_signed_in' ? TOKEN_REFUSED_MESSAGE : error.message,
    );
  }
}

function reportNotFound(listed: readonly string[]): void {
  if (listed.length === 0) return;
  printNote(
    `${plural(listed.length, 'listed user does', 'listed users do')} not exist and ${listed.length === 1 ? 'is' : 'are'} not exported:`,
  );
  for (const item of listed) printNote(`  ${item}`);
}

/**
 * `--ids FILE`: the users a file lists (ids or e-mail addresses), exported as a selection. Addresses
 * no user has are named and left out; so are ids no user has, found once the export refuses them.
 */
async function openListExport(
  connection: Connection,
  file: string,
  filter: UsersFilter,
  view: Omit<UsersExportInput, 'filter' | 'selection'>,
) {
  if (!isEmptyFilter(filter)) {
    throw new UsageError(
      '--ids exports the users it lists: give no filter (--status, --role, --search, …) with it.',
    );
  }
  const list = parseUserList(await readListFile(file, '--ids'), file === '-' ? 'standard input' : file);
  const client: RosterClient = connection.client;
  const byEmail = await idsOfEmails(client, list.emails);
  reportNotFound(byEmail.unknown);
  const ids = [...new Set([...list.ids, ...byEmail.ids])];
  if (ids.length === 0) throw new RefusedError('user_not_found', 'None of the listed users exist.');
  try {
    return await openExport(connection, { selection: { ids }, ...view });
  } catch (error) {
    if (!(error instanceof RefusedError) || error.code !== 'user_not_found') throw error;
    const unknown = await unknownIds(client, list.ids);
    if (unknown === undefined) {
      throw new RefusedError(
        'user_not_found',
        `Some of the ${formatCount(list.ids.length)} listed ids are not users. List at most ${formatCount(IDS_NAMED_MAX)} ids to have them named.`,
      );
    }
    reportNotFound(unknown);
    const missing = new Set(unknown);
    const known = ids.filter((id) => !missing.has(id));
    if (known.length === 0) throw new RefusedError('user_not_found', 'None of the listed users exist.');
    return openExport(connection, { selection: { ids: known }, ...view });
  }
}
