import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WEB_DIST } from './browser/browser';

/**
 * Issue 19 item 15: what each page of the built web app makes a browser download, read from Vite's
 * manifest (every chunk and the chunks it imports) and the build's own source maps (which modules a
 * chunk holds). The invitation, sign-in and welcome pages load none of the Admin module; papaparse
 * comes with Import only. Sizes are the gzip files the server sends (scripts/precompress.mjs).
 */

const manifestEntry = z.object({
  file: z.string(),
  src: z.string().optional(),
  isEntry: z.boolean().optional(),
  imports: z.array(z.string()).optional(),
  dynamicImports: z.array(z.string()).optional(),
});
const manifest = z
  .record(z.string(), manifestEntry)
  .parse(JSON.parse(readFileSync(join(WEB_DIST, '.vite/manifest.json'), 'utf8')));
const sourceMap = z.object({ sources: z.array(z.string()) });

/** The console's page and the invitation's: each an entry of the build, with the chunks it names. */
const CONSOLE = 'index.html';
const INVITATION = 'invite.html';

/** The chunks a page loads before it renders: its entry's and the page's, with their static imports. */
function chunksOf(entry: string, ...keys: string[]): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the manifest`);
    seen.add(key);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const key of [entry, ...keys]) visit(key);
  return [...seen].map((key) => manifest[key]?.file ?? key);
}

function gzipBytes(file: string): number {
  const gzip = join(WEB_DIST, `${file}.gz`);
  return statSync(existsSync(gzip) ? gzip : join(WEB_DIST, file)).size;
}

/** Rolldown's own runtime chunk holds no module of ours and comes without a source map. */
const RUNTIME_CHUNK = /^assets\/rolldown-runtime-[\w-]+\.js$/;

function modulesOf(files: string[]): string[] {
  return files.flatMap((file) => {
    const map = join(WEB_DIST, `${file}.map`);
    if (!existsSync(map) && RUNTIME_CHUNK.test(file)) return [];
    return sourceMap.parse(JSON.parse(readFileSync(map, 'utf8'))).sources;
  });
}

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

const PAGES = {
  invitation: [INVITATION],
  signIn: [CONSOLE, 'src/pages/SignInPage.tsx'],
  welcome: [CONSOLE, 'src/invitations/WelcomePage.tsx'],
  adminUsers: [CONSOLE, 'src/components/AdminFrame.tsx', 'src/users/UsersPage.tsx'],
  adminImport: [CONSOLE, 'src/components/AdminFrame.tsx', 'src/imports/ImportPage.tsx'],
} as const;

/** Modules of the Admin module: its frame and pages, and the libraries only they use. */
const ADMIN_MODULE =
  /\/src\/(users|bulk|imports|outbox)\/|\/src\/components\/AdminFrame|\/src\/pages\/TokensPage|node_modules\/.*(papaparse|@tanstack\/(react-)?table|@tanstack\/(react-)?virtual|@radix-ui)/;

describe('the built web app, page by page', () => {
  const report = Object.entries(PAGES).map(([page, [entry, ...keys]]) => {
    const files = chunksOf(entry, ...keys);
    return { page, files, gzip: files.reduce((sum, file) => sum + gzipBytes(file), 0) };
  });
  const entryFile = manifest[CONSOLE]?.file ?? '';

  it('reports what each page loads (gzip, as sent)', () => {
    console.log(
      [
        `entry chunk ${entryFile}: ${kb(gzipBytes(entryFile))} KB gzip`,
        ...report.map((r) => `${r.page}: ${kb(r.gzip)} KB gzip of JS in ${r.files.length} files`),
      ].join('\n'),
    );
    expect(manifest[CONSOLE]?.isEntry).toBe(true);
    expect(manifest[INVITATION]?.isEntry).toBe(true);
  });

  it('the invitation, sign-in and welcome pages load nothing of the Admin module', () => {
    for (const page of ['invitation', 'signIn', 'welcome'] as const) {
      const files = report.find((r) => r.page === page)?.files ?? [];
      const admin = modulesOf(files).filter((source) => ADMIN_MODULE.test(source));
      expect(admin, page).toEqual([]);
    }
  });

  it('papaparse comes with Import only', () => {
    const papaparse = (page: keyof typeof PAGES) =>
      modulesOf(report.find((r) => r.page === page)?.files ?? []).some((source) =>
        source.includes('papaparse'),
      );
    expect(papaparse('adminUsers')).toBe(false);
    expect(papaparse('adminImport')).toBe(true);
  });

  it('the invitation page loads at most 90 KB gzip of JS, and none of the console (router, data layer)', () => {
    const invitation = report.find((r) => r.page === 'invitation');
    expect(invitation?.gzip).toBeLessThanOrEqual(90 * 1024);
    const modules = modulesOf(invitation?.files ?? []);
    expect(
      modules.filter((source) => /react-router|@tanstack|src\/ConsoleRoot|src\/App\.tsx/.test(source)),
    ).toEqual([]);
  });

  it("the console's first chunk (its entry: React, the router, the data layer) is at most 180 KB gzip", () => {
    expect(chunksOf(CONSOLE).reduce((sum, file) => sum + gzipBytes(file), 0)).toBeLessThanOrEqual(180 * 1024);
  });
});
