import type { RosterClient } from '@roster/client';
import { BULK_OPERATION_KINDS, type BulkOperationKind, LISTED_OPERATION_STATUSES } from '@roster/domain';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { clientFromEnv } from '../clientFromEnv';
import { globalOptions } from '../globalOptions';
import { kindLabel, type Operation, STATUS_LABELS } from '../operationReport';
import { positiveInteger } from '../optionParsers';
import { formatCount, formatTable, formatTime, printJson, printLine } from '../output';

/** The API's largest page of operations. */
const LIST_PAGE = 200;

type BulkListOptions = {
  kind?: BulkOperationKind;
  by?: string;
  status?: (typeof LISTED_OPERATION_STATUSES)[number];
  from?: string;
  to?: string;
  limit: number;
};

/** The start of a UTC day (`2026-12-02`), plus `days`; an instant with its offset is taken as it is. */
function instant(value: string, days: number): string {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const at = new Date(`${trimmed}T00:00:00.000Z`);
    if (!Number.isNaN(at.getTime()) && at.toISOString().startsWith(trimmed)) {
      return new Date(at.getTime() + days * 86_400_000).toISOString();
    }
  } else if (z.iso.datetime({ offset: true }).safeParse(trimmed).success) {
    return trimmed;
  }
  throw new InvalidArgumentError('Give a day as YYYY-MM-DD (UTC) or an ISO 8601 instant.');
}
const dayStart = (value: string) => instant(value, 0);
/** `--to` takes its whole day: operations started before the next one. */
const dayEnd = (value: string) => instant(value, /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(value) ? 1 : 0);

/** The administrator's id, from their id or e-mail among those who started operations; null for nobody. */
async function actorId(client: RosterClient, by: string): Promise<string | null> {
  if (z.uuid().safeParse(by.trim()).success) return by.trim();
  const wanted = by.trim().toLowerCase();
  const actors = await client.bulk.actors.query();
  return actors.find((a) => a.email.toLowerCase() === wanted)?.id ?? null;
}

export function addBulkListCommand(bulk: Command): void {
  bulk
    .command('list')
    .description('the operations history, newest first')
    .addOption(new Option('--kind <kind>', 'only operations of this kind').choices(BULK_OPERATION_KINDS))
    .option('--by <e-mail or id>', 'only operations started by this administrator')
    .addOption(
      new Option('--status <status>', 'only operations in this status').choices(LISTED_OPERATION_STATUSES),
    )
    .option(
      '--from <day>',
      'only operations started on or after this UTC day (YYYY-MM-DD) or instant',
      dayStart,
    )
    .option(
      '--to <day>',
      'only operations started on or before this UTC day (YYYY-MM-DD), or before an instant',
      dayEnd,
    )
    .option('--limit <n>', 'at most this many operations', positiveInteger, 20)
    .action(async (options: BulkListOptions, command: Command) => {
      const { json } = globalOptions(command);
      const { client } = clientFromEnv();
      const actor = options.by ? await actorId(client, options.by) : undefined;
      const items: Operation[] = [];
      let cursor: string | undefined;
      // Nobody by that address has started an operation: none to list.
      if (actor !== null) {
        do {
          const page = await client.bulk.list.query({
            kind: options.kind,
            actor,
            status: options.status,
            createdFrom: options.from,
            createdTo: options.to,
            cursor,
            limit: Math.min(LIST_PAGE, options.limit - items.length),
          });
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && items.length < options.limit);
      }

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
