import type { Outcome, RosterClient, RouterOutputs } from '@roster/client';
import { type BulkOperationKind, bulkResultsCsvWriter, changeNames, OUTCOMES } from '@roster/domain';
import { type Command, Option } from 'commander';
import { clientFromEnv } from '../clientFromEnv';
import { globalOptions } from '../globalOptions';
import { operationIdArg } from '../operationId';
import { positiveInteger } from '../optionParsers';
import { formatCount, formatTable, printDocumentPart, printJson, printLine, printNote } from '../output';

type ResultItem = RouterOutputs['bulk']['results']['items'][number];
type BulkResultsOptions = {
  csv?: boolean;
  outcome?: Outcome;
  reason?: string;
  search?: string;
  limit?: number;
};

/** The API's largest page of results. */
const RESULTS_PAGE = 1000;

/**
 * The writer of the server's results download (`/api/bulk-operations/:id/results.csv`), with the role
 * and organisation-unit names its before/after columns show (an import changes no existing user).
 */
async function csvWriter(client: RosterClient, kind: BulkOperationKind) {
  if (kind === 'import') return bulkResultsCsvWriter(kind, changeNames([], []));
  const [roles, catalog] = await Promise.all([client.roles.list.query(), client.catalog.get.query()]);
  return bulkResultsCsvWriter(kind, changeNames(roles, catalog.orgUnits));
}

export function addBulkResultsCommand(bulk: Command): void {
  bulk
    .command('results')
    .description('the per-user results of a bulk operation: outcome, reason and its sentence')
    .argument('<id>', 'the operation id')
    .option('--csv', 'print CSV (the columns of the web app’s download)')
    .addOption(new Option('--outcome <outcome>', 'only users with this outcome').choices(OUTCOMES))
    .option('--reason <code>', 'only users with this reason code, e.g. already_has_role')
    .option('--search <text>', 'only users whose name or e-mail holds this text (any case)')
    .option('--limit <n>', 'at most this many users', positiveInteger)
    .action(async (id: string, options: BulkResultsOptions, command: Command) => {
      const { json } = globalOptions(command);
      const operationId = operationIdArg(id);
      const { client } = clientFromEnv();
      // Refuses an unknown operation with `operation_not_found` (its results would just be empty).
      const operation = await client.bulk.get.query({ id: operationId });
      const limit = options.limit ?? Number.POSITIVE_INFINITY;

      const csv = options.csv ? await csvWriter(client, operation.kind) : null;
      if (csv) await printDocumentPart(csv.header);
      const items: ResultItem[] = [];
      let printed = 0;
      let cursor: number | undefined;
      do {
        const page = await client.bulk.results.query({
          id: operationId,
          outcome: options.outcome,
          reason: options.reason,
          search: options.search,
          cursor,
          limit: Math.min(RESULTS_PAGE, limit - printed),
        });
        // CSV is written page by page: an operation may hold a million users.
        if (csv) await printDocumentPart(page.items.map(csv.line).join(''));
        else items.push(...page.items);
        printed += page.items.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && printed < limit);

      if (csv) return;
      if (json) return printJson({ operation, items });
      for (const line of formatTable(items, [
        { title: 'E-MAIL', value: (r) => r.email },
        { title: 'OUTCOME', value: (r) => r.outcome },
        { title: 'REASON', value: (r) => (r.reason ? `${r.sentence} [${r.reason}]` : '') },
      ])) {
        printLine(line);
      }
      printNote(`${formatCount(items.length)} of ${formatCount(operation.processed)} processed users.`);
    });
}
