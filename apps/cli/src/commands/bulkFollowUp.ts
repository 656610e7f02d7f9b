import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { clientFromEnv } from '../clientFromEnv';
import { confirmApply } from '../confirm';
import { followProgress } from '../followProgress';
import { globalOptions } from '../globalOptions';
import { operationIdArg } from '../operationId';
import { exitCodeOf, kindLabel, operationReport } from '../operationReport';
import { plural, printJson, printLine, printNote } from '../output';

type FollowUpOptions = { yes?: boolean; operationId?: string; confirmPrivileged?: boolean };

const MODES = {
  revert: {
    description:
      'give back what a finished operation changed, as a new operation (users changed again since are blocked: changed_since)',
    question: (n: number) => `Revert the ${plural(n, 'user')} this operation changed?`,
    count: (counts: { change: number }) => counts.change,
  },
  retry: {
    description:
      'run the users a finished operation failed on again, as a new operation with the same parameters',
    question: (n: number) => `Retry the ${plural(n, 'user')} this operation failed on?`,
    count: (counts: { failed: number }) => counts.failed,
  },
} as const;

/** `roster bulk revert ID` and `roster bulk retry ID`. */
export function addBulkFollowUpCommands(bulk: Command): void {
  addFollowUpCommand(bulk, 'revert');
  addFollowUpCommand(bulk, 'retry');
}

function addFollowUpCommand(bulk: Command, mode: keyof typeof MODES): void {
  const words = MODES[mode];
  bulk
    .command(mode)
    .description(words.description)
    .argument('<id>', 'the finished operation')
    .option('-y, --yes', 'start without asking (needed when there is no terminal to ask on)')
    .option('--confirm-privileged', 'confirm that users gain or lose the Administrator role')
    .option('--operation-id <uuid>', 'the idempotency key: starting again with the same id never runs twice')
    .action(async (id: string, options: FollowUpOptions, command: Command) => {
      const { json } = globalOptions(command);
      const sourceId = operationIdArg(id);
      const { client } = clientFromEnv();
      const source = await client.bulk.get.query({ id: sourceId });
      await confirmApply({
        yes: options.yes === true,
        question: words.question(words.count(source.counts)),
      });
      const input = {
        operationId: options.operationId ? operationIdArg(options.operationId) : randomUUID(),
        id: sourceId,
        confirmPrivileged: options.confirmPrivileged || undefined,
      };
      const started =
        mode === 'revert' ? await client.bulk.revert.mutate(input) : await client.bulk.retry.mutate(input);
      const finished = await followProgress(client, started, { title: kindLabel(started.kind), json });
      process.exitCode = exitCodeOf(finished);
      if (json) return printJson(finished);
      for (const line of operationReport(finished)) printLine(line);
      printNote(`Per-user results: roster bulk results ${finished.id}`);
    });
}
