import type { Command } from 'commander';
import { clientFromEnv } from '../clientFromEnv';
import { globalOptions } from '../globalOptions';
import { kindLabel, type Operation, STATUS_LABELS } from '../operationReport';
import { positiveInteger } from '../optionParsers';
import { formatCount, formatTable, formatTime, printJson, printLine } from '../output';

/** The API's largest page of operations. */
const LIST_PAGE = 200;

export function addBulkListCommand(bulk: Command): void {
  bulk
    .command('list')
    .description('the operations history, newest first')
    .option('--limit <n>', 'at most this many operations', positiveInteger, 20)
    .action(async (options: { limit: number }, command: Command) => {
      const { json } = globalOptions(command);
      const { client } = clientFromEnv();
      const items: Operation[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.bulk.list.query({
          cursor,
          limit: Math.min(LIST_PAGE, options.limit - items.length),
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < options.limit);

      if (json) return printJson({ items });
      for (const line of formatTable(items, [
        { title: 'STARTED (UTC)', value: (op) => formatTime(op.createdAt) },
        { title: 'OPERATION', value: (op) => kindLabel(op.kind) },
        { title: 'STATUS', value: (op) => STATUS_LABELS[op.status] },
        { title: 'USERS', value: (op) => formatCount(op.total), align: 'right' },
        { title: 'CHANGED', value: (op) => formatCount(op.counts.change), align: 'right' },
        { title: 'SKIPPED', value: (op) => formatCount(op.counts.skip), align: 'right' },
        { title: 'BLOCKED', value: (op) => formatCount(op.counts.blocked), align: 'right' },
        { title: 'FAILED', value: (op) => formatCount(op.counts.failed), align: 'right' },
        { title: 'BY', value: (op) => op.actor.email },
        { title: 'ID', value: (op) => op.id },
      ])) {
        printLine(line);
      }
    });
}
