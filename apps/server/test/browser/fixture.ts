import { seedUsers as seed } from '@roster/db';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../../src/testing';
import { launchBrowser, WEB_DIST } from './browser';
import { signInAsAdmin } from './signIn';

/**
 * The set-up every browser test shares: a test server over its own database serving the built web
 * app, seeded, with the test's own rows, a Chromium, and (for most) a page signed in as the
 * administrator. One place, so a change to how a test starts is made once.
 */

export type PageOptions = {
  viewport?: { width: number; height: number };
  /** Playwright's default wait; the browser tests wait for what a person would see. */
  timeout?: number;
  /** More of the context's options (a time zone, downloads). */
  context?: BrowserContextOptions;
};

/**
 * A page in a context of its own (axe-core's builder opens pages beside it in that context), its
 * errors logged. Closing the page's context is the caller's.
 */
export async function openPage(
  browser: Browser,
  { viewport = { width: 1440, height: 900 }, timeout = 10_000, context = {} }: PageOptions = {},
): Promise<Page> {
  const page = await (await browser.newContext({ ...context, viewport })).newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return page;
}

export type ServerOptions = {
  /** Generated users (`seedUsers`) besides the bootstrap administrator. */
  seedUsers?: number;
  /** The test's own rows, written once the server is up and before the browser opens. */
  prepare?: (server: TestServer) => Promise<void>;
};

export type BrowserServer = { server: TestServer; browser: Browser; close: () => Promise<void> };

/** This worker's Chromium, launched by its first browser test file (`workerBrowser`). */
let launched: Promise<Browser> | undefined;

/**
 * One Chromium a worker: a worker runs its test files one after another (`isolate: false`), each in
 * browser contexts of its own, closed when the file ends. A launch costs 1–1.5 s on a loaded 2-core
 * machine; Playwright stops the browser when the worker's process ends. A browser that closed or
 * failed to start is launched again by the next file.
 */
function workerBrowser(): Promise<Browser> {
  if (launched) return launched;
  const launching = launchBrowser();
  const forget = () => {
    if (launched === launching) launched = undefined;
  };
  launching.then((browser) => browser.on('disconnected', forget), forget);
  launched = launching;
  return launching;
}

/**
 * The server (seeded, prepared) and the worker's Chromium; `close` closes the browser contexts opened
 * since (the file's, or the test's when a test starts one of its own) and stops the server.
 */
export async function startBrowserServer({ seedUsers, prepare }: ServerOptions = {}): Promise<BrowserServer> {
  const server = await startTestServer({ webDist: WEB_DIST });
  let browser: Browser | undefined;
  let before: readonly BrowserContext[] = [];
  const close = async () => {
    try {
      const opened = (browser?.contexts() ?? []).filter((context) => !before.includes(context));
      await Promise.all(opened.map((context) => context.close()));
    } finally {
      await server.close();
    }
  };
  try {
    if (seedUsers) await seed(server.testDb.db, { users: seedUsers });
    await prepare?.(server);
    browser = await workerBrowser();
    before = browser.contexts();
    return { server, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export type AdminPage = BrowserServer & { page: Page };

/**
 * `startBrowserServer` and a page signed in as the administrator through the sign-in page, landing
 * on `next` (the Users page unless said); `signIn: false` leaves the page blank.
 */
export async function openAdminPage(
  options: ServerOptions & PageOptions & { next?: string; signIn?: boolean } = {},
): Promise<AdminPage> {
  const started = await startBrowserServer(options);
  try {
    const page = await openPage(started.browser, options);
    if (options.signIn !== false) await signInAsAdmin(page, started.server.url, options.next);
    return { ...started, page };
  } catch (error) {
    await started.close();
    throw error;
  }
}

/** How long the file's set-up may take, when more than the config's hook timeout (a large seed). */
type HookOptions = { setupTimeout?: number };

/** Started in the test file's `beforeAll` (handed to `opened`), closed in its `afterAll`. */
function forTheFile<T extends { close: () => Promise<void> }>(
  start: () => Promise<T>,
  opened: (started: T) => void,
  { setupTimeout }: HookOptions,
): void {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
    opened(started);
  }, setupTimeout);
  afterAll(() => started?.close());
}

/** `startBrowserServer` for the whole test file. */
export const useBrowserServer = (
  options: ServerOptions & HookOptions,
  opened: (started: BrowserServer) => void,
) => forTheFile(() => startBrowserServer(options), opened, options);

/** `openAdminPage` for the whole test file. */
export const useAdminPage = (
  options: Parameters<typeof openAdminPage>[0] & HookOptions,
  opened: (admin: AdminPage) => void,
) => forTheFile(() => openAdminPage(options), opened, options);

/**
 * What a tRPC query answers through the page's own session (its cookie), as the web app asks it,
 * parsed with the shape the test expects of `result.data.json`.
 */
export async function queryThroughPage<T extends z.ZodType>(
  page: Page,
  procedure: string,
  input: unknown,
  shape: T,
): Promise<z.output<T>> {
  const text = await page.evaluate(
    async ({ path, json }) => {
      const response = await fetch(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json }))}`);
      return response.text();
    },
    { path: procedure, json: input },
  );
  const answer = z
    .object({ result: z.object({ data: z.object({ json: z.unknown() }) }) })
    .parse(JSON.parse(text));
  return shape.parse(answer.result.data.json);
}
