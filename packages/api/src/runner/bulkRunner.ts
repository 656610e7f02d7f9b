import type { Db } from '@roster/db';
import type { ApiConfig } from '../config';
import { onBulkQueued } from './bulkWakeups';
import { claimOperation, runOperation } from './runOperation';

/**
 * The background worker of every server process: takes queued operations, and those a crashed
 * process left behind once their lease has run out, one at a time. State lives in the database, so
 * any process may stop and another carries on: `stop` ends the running operation's current batch
 * and gives its lease back, so another process takes it over at once.
 */
export function startBulkRunner(
  db: Db,
  config: ApiConfig,
  options: { pollMs?: number; onError?: (error: unknown) => void } = {},
) {
  let stopped = false;
  let running: Promise<void> | null = null;
  const tick = async () => {
    while (!stopped) {
      const id = await claimOperation(db, config, new Date());
      if (!id) return;
      // On stop, the operation ends after its current batch and its lease is handed back.
      await runOperation(db, id, config, { shouldStop: () => stopped, background: true });
    }
  };
  // A look every `pollMs` (a cheap query on a partial index) while idle, and at once when this
  // process queues an operation; none while it is running one.
  const look = () => {
    if (running || stopped) return;
    running = tick()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(look, options.pollMs ?? 500);
  const unsubscribe = onBulkQueued(look);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}
