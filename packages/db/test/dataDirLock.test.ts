import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, DataDirLockedError } from '../src';

const dir = mkdtempSync(join(tmpdir(), 'roster-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the embedded data directory', () => {
  it('is opened by one process only: a second one is told clearly, and can open it once the first closes', async () => {
    const dataDir = join(dir, 'pglite');
    const first = await createDb({ dataDir });
    await expect(createDb({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);

    const other = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/createDb.ts').then(m => m.createDb({ dataDir: ${JSON.stringify(dataDir)} })).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`,
      ],
      { cwd: packageRoot, encoding: 'utf8', timeout: 60_000 },
    );
    expect(other.status).toBe(3);
    expect(other.stderr).toContain('already open in another Roster process');

    await first.close();
    const second = await createDb({ dataDir });
    await second.close();
  });
});
