import { randomUUID } from 'node:crypto';
import { createdUserOf, type RosterClient, rosterErrorCode, rosterErrorIssues } from '@roster/client';
import { IMPORT_DEFAULT_ROLE, type NewUserField } from '@roster/domain';
import type { Command } from 'commander';
import { RefusedError } from '../cliErrors';
import { clientFromEnv } from '../clientFromEnv';
import { confirmApply } from '../confirm';
import { followProgress } from '../followProgress';
import { globalOptions } from '../globalOptions';
import { checkInviteMessage } from '../inviteOptions';
import { operationIdArg } from '../operationId';
import { exitCodeOf, isFinished, type Operation, operationReport } from '../operationReport';
import { printJson, printLine, printNote } from '../output';
import { roleById } from '../roleByName';
import { isUuid } from '../selectionArgs';

type UsersCreateOptions = {
  email: string;
  firstName?: string;
  lastName?: string;
  role?: string;
  copyAccessFrom?: string;
  invite?: boolean;
  message?: string;
  yes?: boolean;
  operationId?: string;
};

/** The option each field of the new user is given by, to name it in a refusal. */
const FIELD_OPTIONS: Record<NewUserField, string> = {
  email: '--email',
  firstName: '--first-name',
  lastName: '--last-name',
  role: '--role',
  copyAccessFrom: '--copy-access-from',
};

const fieldOption = (name: unknown): string | undefined =>
  Object.entries(FIELD_OPTIONS).find(([field]) => field === name)?.[1];

/**
 * A refusal of `users.create` as a sentence about the option it is about: the API names the field
 * in `data.issues` (the import's reason for the row, or the input's check).
 */
function refusalOfField(error: unknown): RefusedError | undefined {
  const code = rosterErrorCode(error);
  if (!code) return undefined;
  const sentences: string[] = [];
  for (const issue of rosterErrorIssues(error)) {
    const option = fieldOption(issue.path[0]);
    if (option) sentences.push(`${option}: ${issue.message}`);
  }
  return sentences.length ? new RefusedError(code, sentences.join(' ')) : undefined;
}

/** `--role` as the API takes it: a name goes as written (the import's rule finds it, any case); an id is named. */
async function roleNameOf(client: RosterClient, role: string | undefined): Promise<string | undefined> {
  if (role === undefined || !isUuid(role.trim())) return role;
  return (await roleById(client, role, '--role: ')).name;
}

/** `--copy-access-from` as the API takes it: an e-mail goes as written; a user id is that user's e-mail. */
async function sourceEmailOf(client: RosterClient, source: string | undefined): Promise<string | undefined> {
  if (source === undefined || !isUuid(source.trim())) return source;
  try {
    return (await client.users.get.query({ id: source.trim() })).email;
  } catch (error) {
    if (rosterErrorCode(error) !== 'user_not_found') throw error;
    throw new RefusedError('unknown_source_user', `--copy-access-from: No user has the id “${source}”.`);
  }
}

/**
 * `roster users create`: one person added as the Users page's "New user" adds them (`users.create`,
 * a one-row import: the import's rule decides it, its run creates and records it). A role that makes
 * an administrator is asked for as the import asks for one, and sent again confirmed.
 */
async function runUsersCreate(options: UsersCreateOptions, command: Command) {
  const { json } = globalOptions(command);
  const operationId = options.operationId === undefined ? randomUUID() : operationIdArg(options.operationId);
  checkInviteMessage(options);
  const { client } = clientFromEnv();
  const input = {
    operationId,
    email: options.email,
    firstName: options.firstName,
    lastName: options.lastName,
    role: await roleNameOf(client, options.role),
    copyAccessFrom: await sourceEmailOf(client, options.copyAccessFrom),
    invite: options.invite === true,
    message: options.message,
  };
  const create = async (confirmPrivileged?: true) => {
    try {
      return await client.users.create.mutate({ ...input, confirmPrivileged });
    } catch (error) {
      throw refusalOfField(error) ?? error;
    }
  };
  let operation: Operation;
  try {
    operation = await create();
  } catch (error) {
    if (rosterErrorCode(error) !== 'confirmation_required') throw error;
    // The server decided the role makes an administrator: asked as an import asks (--yes confirms).
    await confirmApply({
      yes: options.yes === true,
      question: `Create ${input.email.trim()} with the role “${input.role ?? ''}”?`,
      becomeAdministrators: 1,
    });
    operation = await create(true);
  }
  const finished = isFinished(operation)
    ? operation
    : await followProgress(client, operation, { title: 'New user', json });
  process.exitCode = exitCodeOf(finished);
  const created = await createdUserOf(client, finished.id);
  if (json) return printJson({ user: created.user, operation: finished });
  if (created.user) {
    printLine(`Created ${created.user.email} (user ${created.user.id})${input.invite ? ', invited' : ''}.`);
  } else {
    printNote(created.sentence);
  }
  for (const line of operationReport(finished)) printNote(line);
}

export function addUsersCreateCommand(users: Command): void {
  users
    .command('create')
    .description(
      'add one user, as the Users page’s New user does (a one-row import: the import’s rule decides it)',
    )
    .requiredOption('--email <email>', 'the new user’s e-mail address')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option(
      '--role <name-or-id>',
      `the role’s name (any case) or id (default: ${IMPORT_DEFAULT_ROLE}, as an import row without a role)`,
    )
    .option(
      '--copy-access-from <email-or-id>',
      'copy the module access, scope and rights of this user (e-mail or id)',
    )
    .option('--invite', 'invite the user at once (an invitation e-mail)')
    .option('--message <text>', 'a personal message for the invitation e-mail (with --invite)')
    .option('-y, --yes', 'confirm without asking when the role makes an administrator')
    .option(
      '--operation-id <uuid>',
      'the idempotency key: running again with the same id creates nobody twice',
    )
    .action((options: UsersCreateOptions, self: Command) => runUsersCreate(options, self));
}
