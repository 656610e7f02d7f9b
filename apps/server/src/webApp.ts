import { relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The built web app (issue 19 item 14). Vite names every file under `assets/` after its content, so
 * a browser keeps those a year without asking again; `index.html` names the current ones and is
 * revalidated on every load, so a deploy reaches everyone at their next page load. The build writes
 * each file compressed beside it (`.br`, `.gz`), served as such to browsers that accept it; source
 * maps and the build manifest stay on the server.
 */

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Files of the build that are not for browsers: source maps, the manifest, the compressed copies. */
export function isPrivateBuildFile(pathname: string): boolean {
  return /\.(map|br|gz)$/.test(pathname) || pathname.split('/').some((part) => part.startsWith('.'));
}

/**
 * The page of the web app a path opens: an invitation link (`/invite/<token>`) its own page, which
 * loads none of the console (issue 19 item 15); every other path the console.
 */
export function webAppPageOf(url: string): 'invite.html' | 'index.html' {
  return url.startsWith('/invite/') ? 'invite.html' : 'index.html';
}

/** A path the web app routes itself (`/users`, `/invite/<token>`): answered with its page (`webAppPageOf`). */
export function isAppRoute(method: string, url: string): boolean {
  const pathname = url.split('?')[0] ?? '';
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (pathname.startsWith('/trpc') || pathname.startsWith('/api/') || pathname.startsWith('/assets/'))
    return false;
  return !isPrivateBuildFile(pathname);
}

export async function registerWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    // One route for every file, looked up when asked: listing the build (with its .br, .gz and .map
    // copies) into a route per file cost a quarter of a second of every start.
    wildcard: true,
    // `.br` / `.gz` beside a file, chosen by Accept-Encoding (brotli first), with Vary: Accept-Encoding.
    preCompressed: true,
    // Cache-Control is ours (below), not `send`'s default `public, max-age=0`.
    cacheControl: false,
    setHeaders: (reply, path) => {
      const hashed = relative(root, path).startsWith(`assets${sep}`);
      reply.header('cache-control', hashed ? IMMUTABLE : REVALIDATE);
    },
    allowedPath: (pathname) => !isPrivateBuildFile(pathname),
  });
}
