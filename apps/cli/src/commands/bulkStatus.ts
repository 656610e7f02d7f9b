import type { Command } from 'commander';
import { clientFromEnv } from '../clientFromEnv';
import { followProgress } from '../followProgress';
import { globalOptions } from '../globalOptions';
import { operationIdArg } from '../operationId';
import { exitCodeOf, kindLabel, operationReport } from '../operationReport';
import { printJson, printLine } from '../output';

export function addBulkStatusCommand(bulk: Command): void {
  bulk
    .command('status')
    .description('show a bulk operation: status, progress and counts (exit 1 if it failed or was cancelled)')
    .argument('<id>', 'the operation id')
    .option('--watch', 'follow its progress until it has finished')
    .action(async (id: string, options: { watch?: boolean }, command: Command) => {
      const { json } = globalOptions(command);
      const operationId = operationIdArg(id);
      const { client } = clientFromEnv();
      let operation = await client.bulk.get.query({ id: operationId });
      if (options.watch) {
        operation = await followProgress(client, operation, { title: kindLabel(operation.kind), json });
      }
      process.exitCode = exitCodeOf(operation);
      if (json) return printJson(operation);
      for (const line of operationReport(operation)) printLine(line);
    });
}
