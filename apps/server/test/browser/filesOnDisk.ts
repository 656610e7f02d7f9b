import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Files a test gives the browser by path. A buffer passed to `setInputFiles` travels through the
 * DevTools protocol (base64, in one message), which takes seconds for megabytes and more on a slower
 * machine; a path on the same machine is handed to Chromium as it is, whatever the file's size.
 */
export async function filesOnDisk() {
  const dir = await mkdtemp(join(tmpdir(), 'roster-browser-'));
  return {
    /** Writes `content` to a file named `name` (the name the page sees) and returns its path. */
    async write(name: string, content: string | Uint8Array): Promise<string> {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
