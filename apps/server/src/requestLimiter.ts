/**
 * Bounds the work one client — and all of them together — can have the server do at once, counted
 * in tRPC calls (a batch of ten weighs ten). Results are built in memory before they are sent, so
 * without a bound one batch of 100 `users.list` or 200 parallel requests exhausted a 192 MB heap.
 * A call over the bound waits its turn (its body not yet read, it costs a socket) for a while, so a
 * client's `Promise.all` of many calls still completes; past the queue's bound or its wait it is
 * refused with 429.
 */
export type RequestLimits = {
  /** The most calls one tRPC batch may carry; larger batches are refused (400 batch_too_large). */
  maxBatchSize: number;
  /** Calls one principal (session, API token, or address when anonymous) may have in flight. */
  perPrincipal: number;
  /** Calls the whole process may have in flight. */
  total: number;
  /** Calls one principal may have waiting for a turn; more are refused at once. */
  queuePerPrincipal: number;
  /** Calls all principals together may have waiting. */
  queueTotal: number;
  /** How long a call waits for its turn before it is refused. */
  maxWaitMs: number;
  /** What `Retry-After` tells a refused client, in seconds. */
  retryAfterSeconds: number;
};

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxBatchSize: 10,
  perPrincipal: 20,
  total: 40,
  queuePerPrincipal: 200,
  queueTotal: 1_000,
  maxWaitMs: 10_000,
  retryAfterSeconds: 2,
};

export type Release = () => void;

type Waiter = {
  principal: string;
  weight: number;
  resolve: (release: Release | null) => void;
  timer: NodeJS.Timeout;
};

function add(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}

export class RequestLimiter {
  private inFlight = 0;
  private readonly byPrincipal = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private waitingTotal = 0;
  private readonly waitingByPrincipal = new Map<string, number>();

  constructor(private readonly limits: RequestLimits) {}

  /** Takes `weight` slots for `principal`, waiting for them if need be; null when refused. */
  acquire(principal: string, weight: number): Promise<Release | null> {
    if (!this.waitingByPrincipal.has(principal)) {
      const now = this.take(principal, weight);
      if (now) return Promise.resolve(now);
    }
    const queued = this.waitingByPrincipal.get(principal) ?? 0;
    if (
      queued + weight > this.limits.queuePerPrincipal ||
      this.waitingTotal + weight > this.limits.queueTotal
    ) {
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        principal,
        weight,
        resolve,
        timer: setTimeout(() => {
          this.unqueue(waiter);
          resolve(null);
        }, this.limits.maxWaitMs),
      };
      this.waiting.push(waiter);
      this.waitingTotal += weight;
      add(this.waitingByPrincipal, principal, weight);
    });
  }

  private unqueue(waiter: Waiter): void {
    const at = this.waiting.indexOf(waiter);
    if (at < 0) return;
    this.waiting.splice(at, 1);
    this.waitingTotal -= waiter.weight;
    add(this.waitingByPrincipal, waiter.principal, -waiter.weight);
  }

  private take(principal: string, weight: number): Release | null {
    const mine = this.byPrincipal.get(principal) ?? 0;
    if (mine + weight > this.limits.perPrincipal || this.inFlight + weight > this.limits.total) return null;
    add(this.byPrincipal, principal, weight);
    this.inFlight += weight;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= weight;
      add(this.byPrincipal, principal, -weight);
      this.wake();
    };
  }

  /** Gives freed slots to waiting calls, oldest first, each principal's in its order. */
  private wake(): void {
    const blocked = new Set<string>();
    for (const waiter of [...this.waiting]) {
      if (blocked.has(waiter.principal)) continue;
      const release = this.take(waiter.principal, waiter.weight);
      if (!release) {
        blocked.add(waiter.principal);
        continue;
      }
      clearTimeout(waiter.timer);
      this.unqueue(waiter);
      waiter.resolve(release);
    }
  }
}
