import type { Db } from '@roster/db';
import type { ApiConfig } from '../config';
import { claimOperation, runOperation } from './runOperation';

/**
 * The background worker of every server process: takes queued operations, and those a crashed
 * process left behind once their lease has run out, one at a time. State lives in the database, so
 * any process may stop and another carries on.
 */
export function startBulkRunner(
  db: Db,
  config: ApiConfig,
  options: { pollMs?: number; onError?: (error: unknown) => void } = {},
) {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    while (!stopped) {
      const id = await claimOperation(db, config, new Date());
      if (!id) return;
      await runOperation(db, id, config);
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick).catch((error: unknown) => options.onError?.(error));
  }, options.pollMs ?? 500);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
