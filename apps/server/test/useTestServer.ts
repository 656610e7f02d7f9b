import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../src/testing';

/**
 * The test file's server: started before its first test and closed after its last. The object
 * stands for the running server, so it is read inside tests and hooks only.
 */
export function useTestServer(options: Parameters<typeof startTestServer>[0] = {}): TestServer {
  let started: TestServer | undefined;
  const running = (): TestServer => {
    if (!started) throw new Error('The test server is not started: use it inside a test or a hook');
    return started;
  };
  beforeAll(async () => {
    started = await startTestServer(options);
  });
  afterAll(() => started?.close());
  return {
    get url() {
      return running().url;
    },
    get testDb() {
      return running().testDb;
    },
    get app() {
      return running().app;
    },
    reset: () => running().reset(),
    close: () => running().close(),
  };
}
