import { setImmediate } from 'node:timers/promises';

/**
 * Lets the requests that came in while a bulk transaction ran be answered before the next one starts.
 * The embedded database (PGlite) runs every statement in this very thread, and a batch's statements,
 * and the batches one after another, follow each other as promise continuations: without a turn of
 * the event loop between two transactions, no request would even be read until the whole operation
 * is done. On PostgreSQL it costs a few microseconds per batch.
 */
export function giveWayToRequests(): Promise<void> {
  return setImmediate();
}
