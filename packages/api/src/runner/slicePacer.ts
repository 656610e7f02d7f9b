/**
 * What a transaction of a bulk operation aims at on the embedded database: a request that comes in
 * meanwhile waits about this long at most, and the progress moves about this often.
 */
export const EMBEDDED_SLICE_TARGET_MS = 100;

/** The first slice of a run, before anything has been measured: a few tens of milliseconds of work. */
const FIRST_SLICE = 100;
/**
 * The fewest users a slice takes. Below this a transaction's fixed cost (claiming the batch, counting
 * administrators, moving the counters) would be most of it, and the operation would crawl.
 */
const MIN_SLICE = 50;

/**
 * Sizes the slices of an operation's batches so that each transaction takes about `targetMs`. Each
 * slice's time per user sizes the next; the estimate is smoothed so that one slow slice (a busy
 * machine, a request answered in between) does not swing it, and a slice at most doubles the last.
 */
export class SlicePacer {
  readonly #targetMs: number;
  #msPerUser: number | undefined;
  #last = FIRST_SLICE;

  constructor(targetMs: number) {
    this.#targetMs = targetMs;
  }

  /** How many users the next slice takes. */
  next(): number {
    if (this.#msPerUser === undefined) return FIRST_SLICE;
    const fits = Math.floor(this.#targetMs / this.#msPerUser);
    this.#last = Math.max(MIN_SLICE, Math.min(fits, this.#last * 2));
    return this.#last;
  }

  /** What the last slice took: `users` processed in `ms`. */
  record(users: number, ms: number): void {
    if (users <= 0) return;
    const msPerUser = ms / users;
    this.#msPerUser = this.#msPerUser === undefined ? msPerUser : (this.#msPerUser + msPerUser) / 2;
  }
}
