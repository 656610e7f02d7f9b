import { describe, expect, it } from 'vitest';
import { SlicePacer } from '../src/runner/slicePacer';

/** The slices a pacer aiming at 100 ms chooses when each user costs `msPerUser`, one after another. */
function slices(msPerUser: number[], targetMs = 100): number[] {
  const pacer = new SlicePacer(targetMs);
  return msPerUser.map((cost) => {
    const size = pacer.next();
    pacer.record(size, size * cost);
    return size;
  });
}

describe('SlicePacer (the embedded database’s slices)', () => {
  it.each([
    ['starts with 100 users, then fits the target', [0.5, 0.5, 0.5], [100, 200, 200]],
    ['grows at most twofold a slice when users are cheap', [0.01, 0.01, 0.01, 0.01], [100, 200, 400, 800]],
    ['shrinks at once when users get dear, smoothing one slow slice', [0.5, 2, 0.5], [100, 200, 80]],
    ['never goes below 50 users, however dear', [10, 10, 10], [100, 50, 50]],
  ])('%s', (_name, costs, expected) => {
    expect(slices(costs)).toEqual(expected);
  });

  it('ignores a slice that found nothing to do', () => {
    const pacer = new SlicePacer(100);
    pacer.record(0, 5);
    expect(pacer.next()).toBe(100);
  });
});
