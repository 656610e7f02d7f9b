import { randomUUID } from 'node:crypto';
import type { BulkOperation, Selection } from '@roster/client';
import { countToConfirm, OPERATIONS, type OperationKind, privilegedConfirmationCount } from '@roster/domain';
import { type Command, Option } from 'commander';
import { UsageError } from '../cliErrors';
import { clientFromEnv } from '../clientFromEnv';
import { confirmApply } from '../confirm';
import { followProgress } from '../followProgress';
import { globalOptions } from '../globalOptions';
import { OPERATION_COMMANDS, type OperationArgs, operationFromArgs } from '../operationArgs';
import { exitCodeOf, operationReport } from '../operationReport';
import { plural, printJson, printLine, printNote } from '../output';
import { previewReport } from '../previewReport';
import { isUuid, type SelectionArgs, selectionFromArgs } from '../selectionArgs';

type BulkApplyOptions = SelectionArgs &
  OperationArgs & { dryRun?: boolean; yes?: boolean; operationId?: string };

/** The options of each operation that has parameters; `null` for those that have none. */
const OPERATION_OPTIONS: Record<OperationKind, ((command: Command) => void) | null> = {
  assign_role: (command) => {
    command.requiredOption('--role <name>', 'the role to assign, by name');
  },
  copy_access: (command) => {
    command
      .requiredOption('--source <email>', 'the e-mail of the user whose access is copied')
      .addOption(
        new Option('--mode <mode>', 'replace the targets’ access, or merge it with the source’s')
          .choices(['replace', 'merge'])
          .default('replace'),
      );
  },
  invite: (command) => {
    command.option('--message <text>', 'a personal message for the invitation e-mail');
  },
  resend_invitation: null,
  cancel_invitation: null,
  deactivate: null,
  reactivate: null,
};

/**
 * `roster bulk <operation>`: preview on the server, ask, apply, follow the progress. The same
 * preview the web app shows, decided by the same rule the apply runs.
 */
async function runBulkOperation(kind: BulkOperation['kind'], options: BulkApplyOptions, command: Command) {
  const { json } = globalOptions(command);
  if (options.operationId !== undefined && !isUuid(options.operationId)) {
    throw new UsageError('--operation-id is a UUID.');
  }
  const { client } = clientFromEnv();
  // The selection first: one that is wrong is a usage error before the server is asked for a role.
  const selection = await selectionFromArgs(client, options);
  const { operation, title } = await operationFromArgs(client, kind, options);
  const preview = await client.bulk.preview.mutate({ operation, selection });

  if (options.dryRun) {
    if (json) return printJson({ dryRun: true, operation, selection, preview });
    for (const line of previewReport(title, preview)) printLine(line);
    printNote('Dry run: nothing was applied.');
    return;
  }
  if (!json) for (const line of previewReport(title, preview)) printLine(line);
  const count = countToConfirm(kind, preview.total);
  await confirmApply({
    count,
    yes: options.yes === true,
    question: `${title}: apply to ${plural(preview.total, 'user')}?`,
    becomeAdministrators: preview.becomeAdministrators,
    loseAdministratorRole: preview.loseAdministratorRole,
  });
  // The preview has just checked the filter's count; the apply checks it again on the rows it takes.
  const applied: Selection = selection;
  const started = await client.bulk.execute.mutate({
    operationId: options.operationId ?? randomUUID(),
    operation,
    selection: applied,
    // What the person just confirmed by typing the number (or --yes): users gaining or losing the role.
    confirmPrivileged: privilegedConfirmationCount(preview) > 0 || undefined,
    // What the person typed (or --yes): the number of users an operation that locks people out takes.
    ...(count === null ? {} : { confirmCount: count }),
  });
  const finished = await followProgress(client, started, { title, json });
  process.exitCode = exitCodeOf(finished);
  if (json) return printJson({ preview, operation: finished });
  for (const line of operationReport(finished)) printLine(line);
  printNote(`Per-user results: roster bulk results ${finished.id}`);
}

export function addBulkApplyCommands(bulk: Command): void {
  for (const { name, kind } of OPERATION_COMMANDS) {
    const command = bulk
      .command(name)
      .description(`${OPERATIONS[kind].label}: preview, confirm, apply and follow the progress`)
      .option('--ids <ids>', 'user ids, separated by commas')
      .option('--ids-file <file>', 'a file of user ids, one per line or separated by commas (- for stdin)')
      .option(
        '--filter <conditions>',
        'every user matching KEY=VALUE conditions: status, role, search, module, right, org-unit, invitation-expired (e.g. status=invited,role=Reader)',
      )
      .option('--except-ids <ids>', 'with --filter: leave these user ids out (separated by commas)');
    OPERATION_OPTIONS[kind]?.(command);
    command
      .option('--dry-run', 'show the preview, grouped by outcome and reason, and apply nothing')
      .option('-y, --yes', 'apply without asking (needed when there is no terminal to ask on)')
      .option(
        '--operation-id <uuid>',
        'the idempotency key: applying again with the same id never runs twice',
      )
      .action((options: BulkApplyOptions, self: Command) => runBulkOperation(kind, options, self));
  }
}
