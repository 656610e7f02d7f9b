import { resolve } from 'node:path';

/**
 * A path as the person typed it. `pnpm roster …` runs the tool in apps/cli, so a relative path is
 * resolved against the directory pnpm was started in (INIT_CWD), as the person meant it.
 */
export function userPath(path: string): string {
  const base = process.env.npm_lifecycle_event ? process.env.INIT_CWD : undefined;
  return resolve(base ?? process.cwd(), path);
}
