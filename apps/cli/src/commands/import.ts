import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  countPrivileged,
  countVerdicts,
  type ImportVerdict,
  parseImportBytes,
  previewImportFile,
  sha256Hex,
} from '@roster/client/imports';
import { importErrorsCsv, importReasonSentence } from '@roster/domain';
import type { Command } from 'commander';
import { RefusedError, UsageError } from '../cliErrors';
import { clientFromEnv } from '../clientFromEnv';
import { confirmApply } from '../confirm';
import { followProgress } from '../followProgress';
import { globalOptions } from '../globalOptions';
import { checkInviteMessage } from '../inviteOptions';
import { exitCodeOf, operationReport } from '../operationReport';
import { formatCount, plural, printJson, printLine, printNote } from '../output';
import { isUuid } from '../selectionArgs';
import { userPath } from '../userPath';

type ImportOptions = {
  invite?: boolean;
  message?: string;
  dryRun?: boolean;
  yes?: boolean;
  operationId?: string;
  errorsCsv?: string;
};

/** Lines shown per reason; the rest are counted. */
const LINES_SHOWN = 10;

/** The verdicts grouped by outcome and reason, with the lines behind each group. */
function verdictReport(verdicts: readonly ImportVerdict[]): string[] {
  const counts = countVerdicts(verdicts);
  const lines = [
    `${formatCount(counts.create)} to create · ${formatCount(counts.skip)} skipped · ${formatCount(counts.error)} with errors`,
  ];
  const groups = new Map<string, ImportVerdict[]>();
  for (const v of verdicts) {
    if (v.reason === null) continue;
    const key = `${v.outcome}:${v.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  for (const [key, group] of groups) {
    const [first] = group;
    if (!first?.reason) continue;
    const sentence =
      group.length === 1
        ? importReasonSentence(first.reason, first.detail)
        : importReasonSentence(first.reason);
    const shown = group.slice(0, LINES_SHOWN).map((v) => v.line);
    const more = group.length > LINES_SHOWN ? ` and ${formatCount(group.length - LINES_SHOWN)} more` : '';
    lines.push(`  ${key} (${formatCount(group.length)}): ${sentence} Lines ${shown.join(', ')}${more}.`);
  }
  return lines;
}

/**
 * `roster import FILE.csv`: the file read and judged as the web app does (the shared client code),
 * previewed on the server (which keeps the rows), then committed as one bulk operation whose progress
 * is followed.
 */
async function runImport(file: string, options: ImportOptions, command: Command) {
  const { json } = globalOptions(command);
  if (options.operationId !== undefined && !isUuid(options.operationId)) {
    throw new UsageError('--operation-id is a UUID.');
  }
  checkInviteMessage(options);
  const bytes = await readFile(userPath(file)).catch((error: unknown) => {
    throw new UsageError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const parsed = parseImportBytes(new Uint8Array(bytes));
  if (!parsed.ok) throw new RefusedError(parsed.reason, parsed.message);
  // Lines read as one row (a quote left open) are said before anything else, as the web page says them.
  if (parsed.lineCountNotice && !json) printNote(parsed.lineCountNotice);
  const { client } = clientFromEnv();

  const operationId = options.operationId ?? randomUUID();
  const verdicts = await previewImportFile(client, {
    operationId,
    file: {
      fileSha256: await sha256Hex(new Uint8Array(bytes)),
      fileName: basename(file).slice(0, 255),
      totalRows: parsed.rows.length,
    },
    rows: parsed.rows,
    results: parsed.results,
  });
  const counts = countVerdicts(verdicts);
  const privileged = countPrivileged(verdicts);
  // The rows not created, as the web app offers them: a file to fix and import again.
  if (options.errorsCsv !== undefined && counts.skip + counts.error > 0) {
    const target = options.errorsCsv;
    await writeFile(userPath(target), importErrorsCsv(parsed.rows, verdicts)).catch((error: unknown) => {
      throw new UsageError(
        `Cannot write ${target}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    if (!json) printNote(`Rows not created: ${target}`);
  }

  if (options.dryRun || counts.create === 0) {
    if (json) {
      return printJson({
        dryRun: options.dryRun === true,
        counts,
        lineCountNotice: parsed.lineCountNotice,
        verdicts,
      });
    }
    for (const line of verdictReport(verdicts)) printLine(line);
    printNote(options.dryRun ? 'Dry run: nothing was created.' : 'Nothing to create.');
    return;
  }
  if (!json) for (const line of verdictReport(verdicts)) printLine(line);
  await confirmApply({
    yes: options.yes === true,
    question: `Create ${plural(counts.create, 'user')} from ${basename(file)}${options.invite ? ' and invite them' : ''}?`,
    becomeAdministrators: privileged,
  });
  await client.imports.commit.mutate({
    operationId,
    invite: options.invite === true,
    ...(options.message ? { message: options.message } : {}),
    ...(privileged > 0 ? { confirmPrivileged: true } : {}),
  });
  const started = await client.bulk.get.query({ id: operationId });
  const finished = await followProgress(client, started, { title: 'Import', json });
  process.exitCode = exitCodeOf(finished);
  if (json) return printJson({ counts, lineCountNotice: parsed.lineCountNotice, operation: finished });
  for (const line of operationReport(finished)) printLine(line);
  printNote(`Per-row results: roster bulk results ${finished.id}`);
}

export function addImportCommand(program: Command): void {
  program
    .command('import')
    .description('create users from a CSV file: check every row, confirm, create and follow the progress')
    .argument(
      '<file>',
      'a CSV file (UTF-8; comma or semicolon): email, first_name, last_name, role, copy_access_from',
    )
    .option('--invite', 'invite the new users at once (an invitation e-mail each)')
    .option('--message <text>', 'a personal message for the invitation e-mails (with --invite)')
    .option('--dry-run', 'check every row and show the verdicts, create nothing')
    .option(
      '--errors-csv <file>',
      'write the rows not created (skips and errors) to this CSV file, to fix and import again',
    )
    .option('-y, --yes', 'create without asking (needed when there is no terminal to ask on)')
    .option(
      '--operation-id <uuid>',
      'the idempotency key: importing again with the same id never creates twice',
    )
    .action((file: string, options: ImportOptions, self: Command) => runImport(file, options, self));
}
