/**
 * Reads until `done` holds, every 50 ms, and gives up after `timeoutMs` with the last value read
 * (and `context()`, what else would explain it, such as a process's output).
 */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs, context }: { timeoutMs: number; context?: () => string },
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) {
      const more = context ? `\n${context()}` : '';
      throw new Error(`gave up waiting; last value ${JSON.stringify(value)}${more}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
