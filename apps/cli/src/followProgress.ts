import type { RosterClient } from '@roster/client';
import cliProgress from 'cli-progress';
import { countsSentence, isFinished, type Operation, processedSentence } from './operationReport';
import { printNote } from './output';

/** How often the operation is read again while it runs. */
export const POLL_INTERVAL_MS = 500;

type ProgressReporter = { update: (operation: Operation) => void; stop: () => void };

/** A bar redrawn in place, for a person at a terminal. */
function progressBar(title: string, operation: Operation): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% | {value}/{total} users | {counts}`,
      stream: process.stderr,
      hideCursor: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(operation.total, operation.processed, { counts: countsSentence(operation) });
  return {
    update: (op) => {
      bar.setTotal(op.total);
      bar.update(op.processed, { counts: countsSentence(op) });
    },
    stop: () => bar.stop(),
  };
}

/** One line whenever the count moves, for logs and pipes. */
function progressLines(title: string): ProgressReporter {
  let last = -1;
  return {
    update: (op) => {
      if (op.processed === last) return;
      last = op.processed;
      const percent = op.total > 0 ? Math.floor((op.processed / op.total) * 100) : 100;
      printNote(`${title}: ${processedSentence(op)} (${percent}%): ${countsSentence(op)}`);
    },
    stop: () => {},
  };
}

const silent: ProgressReporter = { update: () => {}, stop: () => {} };

/**
 * Reads the operation until it has finished, showing its progress on stderr: a bar on a terminal,
 * plain lines otherwise (none with `--json`, whose reader wants the one document on stdout).
 */
export async function followProgress(
  client: RosterClient,
  started: Operation,
  options: { title: string; json: boolean },
): Promise<Operation> {
  let operation = started;
  if (isFinished(operation)) return operation;
  const reporter = process.stderr.isTTY
    ? progressBar(options.title, operation)
    : options.json
      ? silent
      : progressLines(options.title);
  reporter.update(operation);
  const stopFollowing = () => {
    reporter.stop();
    printNote(
      `Stopped following. The operation goes on on the server: roster bulk status ${operation.id} --watch`,
    );
    process.exit(130);
  };
  process.once('SIGINT', stopFollowing);
  try {
    while (!isFinished(operation)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      operation = await client.bulk.get.query({ id: operation.id });
      reporter.update(operation);
    }
  } finally {
    process.off('SIGINT', stopFollowing);
    reporter.stop();
  }
  return operation;
}
