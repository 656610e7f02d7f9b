/**
 * A one-time signal between two parts of a test that run at once (a transaction held open, a call
 * racing it): one awaits `fired`, the other calls `fire()`.
 */
export function signal(): { fired: Promise<void>; fire: () => void } {
  let fire = () => {};
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}
