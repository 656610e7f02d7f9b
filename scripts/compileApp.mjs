// Compiles an app as its `pnpm build` does, into another file: the tests that run a compiled app
// (apps/server's compiled start, apps/cli's tests) build it with the app's own build command
// (package.json: `node … dist/main.js …`), writing to `out` instead of dist/main.js.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs `appDir`'s build script with `out` in place of dist/main.js; throws with its errors if it fails. */
export function compileApp(appDir, out) {
  const build = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')).scripts?.build;
  const [node, ...args] = typeof build === 'string' ? build.split(' ') : [];
  if (node !== 'node' || !args.includes('dist/main.js'))
    throw new Error(`${appDir}'s build script is not \`node … dist/main.js …\`: ${String(build)}`);
  const built = spawnSync(
    process.execPath,
    args.map((arg) => (arg === 'dist/main.js' ? out : arg)),
    { cwd: appDir, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`Building ${appDir} failed:\n${built.error ?? built.stderr}`);
}
