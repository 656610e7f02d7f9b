import { setTimeout } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  giveWayToRequests,
  requestEnded,
  requestStarted,
  requestsInFlight,
} from '../src/runner/giveWayToRequests';

/**
 * Issue 15 item 3 on the embedded database: between two transactions of an operation, the requests in
 * flight are answered first (each takes the one connection several times), but never for so long
 * that the operation stops moving.
 */
describe('giving way to requests between two bulk transactions', () => {
  it('waits until the requests in flight are answered', async () => {
    requestStarted();
    let given = false;
    const way = giveWayToRequests({ ownRequests: 0 }).then(() => {
      given = true;
    });
    await setTimeout(40);
    expect(given).toBe(false);
    requestEnded();
    await way;
    expect(given).toBe(true);
    expect(requestsInFlight()).toBe(0);
  });

  it('does not wait for the request that runs the operation inside itself', async () => {
    requestStarted();
    let given = false;
    const way = giveWayToRequests({ ownRequests: 1 }).then(() => {
      given = true;
    });
    await setTimeout(40);
    expect(given).toBe(true);
    await way;
    requestEnded();
  });

  it('moves on while a request is still in flight, after a while: the operation never stops', async () => {
    requestStarted();
    await giveWayToRequests({ ownRequests: 0 });
    expect(requestsInFlight()).toBe(1);
    requestEnded();
  });

  it('on PostgreSQL (no slices) only lets the event loop turn', async () => {
    requestStarted();
    let given = false;
    const way = giveWayToRequests().then(() => {
      given = true;
    });
    await setTimeout(40);
    expect(given).toBe(true);
    await way;
    requestEnded();
  });
});
