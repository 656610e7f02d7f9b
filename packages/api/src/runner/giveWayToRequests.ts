import { performance } from 'node:perf_hooks';
import { setImmediate, setTimeout } from 'node:timers/promises';

/** Requests this process is answering (the server counts them: `requestStarted` / `requestEnded`). */
let inFlight = 0;

/** The server tells the runner a request came in… */
export function requestStarted(): void {
  inFlight++;
}

/** …and that it was answered (or abandoned): once per `requestStarted`. */
export function requestEnded(): void {
  inFlight = Math.max(0, inFlight - 1);
}

/** How many requests the server has said are in flight. */
export function requestsInFlight(): number {
  return inFlight;
}

/**
 * The longest a bulk transaction waits for the requests in flight to be answered before it starts
 * (embedded database): the operation always moves, even under a stream of requests.
 */
const MOST_WAITED_MS = 250;

/**
 * Lets the requests that came in while a bulk transaction ran be answered before the next one starts.
 * The embedded database (PGlite) runs every statement in this very thread, and a batch's statements,
 * and the batches one after another, follow each other as promise continuations: without a turn of
 * the event loop between two transactions, no request would even be read until the whole operation
 * is done. On PostgreSQL it costs a few microseconds per batch.
 *
 * With `untilAnswered` (the embedded database's one connection), it also waits, up to
 * `MOST_WAITED_MS`, until the requests in flight are answered: a request takes the connection
 * several times (its sign-in, its statements), and each time would otherwise wait for a whole
 * transaction of the operation. `ownRequests` are requests that wait for this very operation (the
 * request that runs a small one inside itself), never waited for.
 */
export async function giveWayToRequests(untilAnswered?: { ownRequests: number }): Promise<void> {
  await setImmediate();
  if (!untilAnswered) return;
  const until = performance.now() + MOST_WAITED_MS;
  while (inFlight > untilAnswered.ownRequests && performance.now() < until) await setTimeout(2);
}
