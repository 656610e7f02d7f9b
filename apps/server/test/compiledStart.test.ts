import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRosterClient } from '@roster/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileApp } from '../../../scripts/compileApp.mjs';
import { WEB_DIST } from './browser/browser';
import { administratorEnv, apiTokenFor, type SpawnedServer, useSpawnedServers } from './spawnServer';

/**
 * Issue 18 item 4: `pnpm start` runs the compiled server (dist/main.js, made by `pnpm build`), plain
 * JavaScript that Node runs with no TypeScript loader. Built here as `pnpm build` builds it (into a
 * directory of this run's own), then started as `pnpm start` starts it on an empty data directory (or
 * an empty PostgreSQL database): it migrates, seeds, creates the administrator and serves the API and
 * the web app.
 */

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(SERVER_DIR, 'dist', `compiled-start-test-${process.pid}`);
const BUNDLE = join(OUT_DIR, 'main.js');
const ADMIN = { email: 'compiled-admin@roster.test', password: 'compiled, not transpiled on the fly' };
const DEMO_USERS = 60;

const spawned = useSpawnedServers();
let server: SpawnedServer;

beforeAll(async () => {
  compileApp(SERVER_DIR, BUNDLE);
  await spawned.database();
  server = await spawned.start(
    {
      ...administratorEnv(ADMIN),
      NODE_ENV: 'production',
      ROSTER_DEMO_USERS: String(DEMO_USERS),
      LOG_LEVEL: 'warn',
    },
    [BUNDLE],
  );
}, 300_000);

afterAll(async () => {
  await server?.stop();
  rmSync(OUT_DIR, { recursive: true, force: true });
});

describe('the compiled server', () => {
  it('is JavaScript that imports no TypeScript and no loader', () => {
    const bundle = readFileSync(BUNDLE, 'utf8');
    expect(bundle).not.toMatch(/from ["']tsx/);
    expect(bundle).not.toMatch(/import\(["'][^"']*\.ts["']\)/);
    expect(bundle).not.toMatch(/from ["'][^"']*\.ts["']/);
  });

  it('starts on an empty database: migrated, seeded, the administrator created, API and web app served', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const token = await apiTokenFor(server.url, ADMIN);
    const client = createRosterClient({ url: server.url, token });
    // The demo tenant and its administrator.
    expect((await client.users.count.query({ filter: {} })).total).toBe(DEMO_USERS + 1);
    // zod's English messages are in the bundle (which keeps English only).
    const refused = await fetch(
      `${server.url}/trpc/users.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 'many' } }))}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/expected number/i);

    expect(existsSync(join(WEB_DIST, 'index.html')), 'turbo builds the web app before these tests').toBe(
      true,
    );
    const page = await fetch(`${server.url}/invite/some-token`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const asset = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status, script).toBe(200);
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    expect(await server.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
