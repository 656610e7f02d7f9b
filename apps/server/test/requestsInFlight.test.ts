import { request } from 'node:http';
import { requestsInFlight } from '@roster/api';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './useTestServer';

const server = useTestServer();

/** A request whose body is still on its way: the server has it in flight until it ends. */
function slowRequest(path: string) {
  const body = JSON.stringify({ json: { email: 'nobody@roster.test', password: 'not this one' } });
  const req = request(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-roster-csrf': '1' },
  });
  const answered = new Promise<number>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
  req.write(body.slice(0, 10));
  return {
    finish: () => {
      req.end(body.slice(10));
      return answered;
    },
    abandon: () => {
      req.destroy();
      return answered;
    },
  };
}

/**
 * The server tells the embedded database's bulk runner which requests are in flight (it answers them
 * between two of its transactions): each request counted while it runs, and no longer once answered,
 * refused or abandoned.
 */
describe('requests in flight, as the bulk runner sees them', () => {
  it('counts a request while it runs and forgets it once answered, refused or abandoned', async () => {
    // The count is the process's: a test file before this one in the same worker may have left its own.
    const before = requestsInFlight();
    const answered = slowRequest('/trpc/auth.signIn');
    const abandoned = slowRequest('/trpc/auth.signIn');
    await expect.poll(() => requestsInFlight()).toBe(before + 2);
    await expect(answered.finish()).resolves.toBe(401);
    await abandoned.abandon();
    await Promise.all([
      fetch(`${server.url}/healthz`),
      fetch(`${server.url}/trpc/auth.me`),
      fetch(`${server.url}/${'x'.repeat(9_000)}`),
    ]);
    await expect.poll(() => requestsInFlight()).toBe(before);
  });
});
