import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { seedUsers } from '@roster/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN, type TestServer } from '../src/testing';
import { IMMUTABLE, REVALIDATE } from '../src/webApp';
import { WEB_DIST } from './browser/browser';

/**
 * Issue 19 item 14: the built web app as a browser receives it — compressed, hashed files kept a
 * year, index.html revalidated, no source map or build manifest served, the font the CSS names
 * shipped — and API answers compressed too. Raw HTTP (node:http), so nothing is decompressed for us.
 */

let server: TestServer;
const indexHtml = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
const inviteHtml = readFileSync(join(WEB_DIST, 'invite.html'), 'utf8');
const assets = readdirSync(join(WEB_DIST, 'assets'));

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

function raw(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(`${server.url}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    }).on('error', reject);
  });
}

function decoded(reply: Raw): string {
  const encoding = reply.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(reply.body).toString();
  if (encoding === 'gzip') return gunzipSync(reply.body).toString();
  return reply.body.toString();
}

beforeAll(async () => {
  server = await startTestServer({ webDist: WEB_DIST });
  await seedUsers(server.testDb.db, { users: 60 });
});
afterAll(() => server.close());

describe('the built web app over HTTP', () => {
  it('index.html, for / and for every app route, compressed and revalidated on each load; invite.html for an invitation link', async () => {
    for (const [path, page] of [
      ['/', indexHtml],
      ['/admin/users?search=ana', indexHtml],
      ['/sign-in', indexHtml],
      ['/invite/a-token', inviteHtml],
    ] as const) {
      const reply = await raw(path, { 'accept-encoding': 'gzip, deflate, br' });
      expect(reply.status, path).toBe(200);
      expect(reply.headers['content-encoding'], path).toBe('br');
      expect(reply.headers['cache-control'], path).toBe(REVALIDATE);
      expect(decoded(reply), path).toBe(page);
    }
    expect(inviteHtml).not.toBe(indexHtml);
  });

  it('every script and style index.html names: hashed, immutable for a year, brotli or gzip as accepted', async () => {
    const named = [...indexHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map(
      (m) => m[1] ?? '',
    );
    expect(named.length).toBeGreaterThanOrEqual(2);
    for (const path of named) {
      const onDisk = readFileSync(join(WEB_DIST, path)).toString();
      expect(onDisk, `${path} names no source map`).not.toContain('sourceMappingURL');
      for (const [accepted, encoding] of [
        ['br, gzip', 'br'],
        ['gzip', 'gzip'],
      ] as const) {
        const reply = await raw(path, { 'accept-encoding': accepted });
        expect(reply.status, path).toBe(200);
        expect(reply.headers['content-encoding'], `${path} for ${accepted}`).toBe(encoding);
        expect(reply.headers['cache-control'], path).toBe(IMMUTABLE);
        expect(reply.headers.vary, path).toMatch(/accept-encoding/i);
        expect(decoded(reply), path).toBe(onDisk);
      }
      const plain = await raw(path);
      expect(
        plain.headers['content-encoding'],
        `${path} to a client that accepts no encoding`,
      ).toBeUndefined();
      expect(plain.body.toString()).toBe(onDisk);
    }
  });

  it('serves no source map, no build manifest, no compressed copy by its own name; a missing asset is a 404', async () => {
    const map = assets.find((name) => name.endsWith('.js.map'));
    const brotliCopy = assets.find((name) => name.endsWith('.js.br'));
    expect(map && brotliCopy, 'the build keeps its maps and compressed copies on disk').toBeTruthy();
    for (const path of [
      `/assets/${map}`,
      `/assets/${brotliCopy}`,
      '/.vite/manifest.json',
      '/assets/index-missing0.js',
      '/index.html.map',
    ]) {
      const reply = await raw(path, { 'accept-encoding': 'br, gzip' });
      expect(reply.status, path).toBe(404);
      expect(decoded(reply), path).not.toContain('<div id="root">');
    }
  });

  it('ships the font the CSS names', async () => {
    const cssPath = [...indexHtml.matchAll(/href="(\/assets\/[^"]+\.css)"/g)].map((m) => m[1] ?? '')[0] ?? '';
    const css = decoded(await raw(cssPath));
    expect(css).toMatch(/font-family:\s*"?Inter Variable/);
    const latin = /url\((\/assets\/inter-latin-wght-normal-[^)]+\.woff2)\)/.exec(css)?.[1] ?? '';
    const font = await raw(latin);
    expect(font.status, latin).toBe(200);
    expect(font.headers['content-type']).toBe('font/woff2');
    expect(font.headers['cache-control']).toBe(IMMUTABLE);
  });

  it('compresses API answers to clients that accept it', async () => {
    const signIn = await fetch(`${server.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-roster-csrf': '1' },
      body: JSON.stringify({ json: TEST_ADMIN }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const input = encodeURIComponent(JSON.stringify({ json: { filter: {}, limit: 50 } }));
    const path = `/trpc/users.list?input=${input}`;
    const compressed = await raw(path, { cookie, 'accept-encoding': 'br, gzip' });
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('br');
    const plain = await raw(path, { cookie });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(compressed.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(decoded(compressed))).toEqual(JSON.parse(plain.body.toString()));
  });
});
