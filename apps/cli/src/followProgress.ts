import type { RosterClient } from '@roster/client';
import cliProgress from 'cli-progress';
import { RefusedError } from './cliErrors';
import { describeError } from './describeError';
import { countsSentence, isFinished, type Operation, processedSentence } from './operationReport';
import { printNote } from './output';

/** How often the operation is read again while it runs. */
export const POLL_INTERVAL_MS = 500;

/** How long the operation is asked for again while the server cannot answer for a moment. */
export const UNANSWERED_PATIENCE_MS = 60_000;

/**
 * Refusals that pass: the database unavailable for a moment, the server busy, no answer at all (a
 * restart, a failover), or an answer that is not the API's: the operation was read from this server
 * already, so that is a reverse proxy's own page (502, 503, 504) while the server behind it restarts.
 * The operation goes on on the server meanwhile; only the reading failed.
 */
const PASSING = new Set(['database_unavailable', 'too_many_requests', 'unreachable', 'unexpected_response']);

/**
 * The operation as the server has it now, asked again (0.5 s, 1 s, 2 s… apart) while the answer is
 * a passing refusal, for up to `UNANSWERED_PATIENCE_MS`: a single 503 while following must not end
 * the command as failed (exit 1) while the operation runs on. Past it, the refusal names the
 * operation, for a script that did not choose its id to find it again.
 */
async function currentOperation(
  client: RosterClient,
  id: string,
  serverUrl: string | undefined,
  note: (line: string) => void,
): Promise<Operation> {
  const started = Date.now();
  for (let wait = POLL_INTERVAL_MS; ; wait = Math.min(wait * 2, 8_000)) {
    try {
      return await client.bulk.get.query({ id });
    } catch (error) {
      const report = describeError(error, serverUrl);
      if (!PASSING.has(report.code)) throw error;
      if (Date.now() - started + wait > UNANSWERED_PATIENCE_MS) {
        throw new RefusedError(
          report.code,
          `${report.message} The operation goes on on the server: roster bulk status ${id} --watch`,
        );
      }
      note(`${report.code}: asking again in ${wait / 1000} s (operation ${id})`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

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
      operation = await currentOperation(client, operation.id, process.env.ROSTER_URL, (line) => {
        if (!options.json) printNote(line);
      });
      reporter.update(operation);
    }
  } finally {
    process.off('SIGINT', stopFollowing);
    reporter.stop();
  }
  return operation;
}
