import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { z } from 'zod';
import { startServerProcess } from './serverProcess';
import { percentile } from './stats';

/**
 * What an administrator sees of speed in a browser, on the default install (a fresh embedded data
 * directory with a demo tenant, the built web app served by the real server): how soon the users are
 * on screen after a navigation, and how smoothly the users table scrolls. Measurements, so they live
 * here and not in the test suite, which never asserts a time (they were browser tests that reported
 * these figures and could not fail).
 */

const WEB_DIST = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const ADMIN = { email: 'bench-admin@roster.local', password: 'bench-admin-password' };
/** The brief's flags for Debian's Chromium; without the background networking it knocks on a closed network. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const ROW = '[role="row"][data-user-id]';
const VIEWPORT = { width: 1440, height: 900 };

export type FrameGaps = { frames: number; p50: number; p95: number; p99: number; max: number };

export type BrowserBenchResult = {
  chromium: string;
  tenantUsers: number;
  /** A new page load of /admin/users with the files in the browser's cache, to the first row. */
  reloadMs: number[];
  /** From Operations back to Users through the menu, to the first row. */
  inAppMs: number[];
  /** The page left alone: the floor of its frame gaps. */
  idle: FrameGaps;
  /** The users table scrolled `SCROLL_STEP_PX` a frame. */
  scroll: FrameGaps & { toRow: number };
  load: [string, string];
};

const SCROLL_STEP_PX = 30;
const SCROLL_FRAMES = 600;
const IDLE_FRAMES = 300;
const NAVIGATION_RUNS = 5;

// In-page code is written as strings: this package's TypeScript knows Node, not the DOM.

/** From the document's start (performance.now() counts from the navigation) to the first row. */
const RECORD_ROWS_VISIBLE = `new MutationObserver((_, observer) => {
  if (document.querySelector('${ROW}')) {
    window.__rowsVisibleAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });`;

/** Chooses Users in the Admin menu and resolves with the ms until the first row is on screen. */
const CHOOSE_USERS_TIMED = `new Promise((resolve) => {
  const link = [...document.querySelectorAll('nav a')].find((a) => a.textContent.trim() === 'Users');
  const started = performance.now();
  new MutationObserver((_, observer) => {
    if (document.querySelector('${ROW}')) {
      observer.disconnect();
      resolve(performance.now() - started);
    }
  }).observe(document.body, { childList: true, subtree: true });
  link.click();
})`;

/** The gaps between `frames` animation frames, the users table scrolled `step` px a frame (0: idle). */
const frameGapsScript = (step: number, frames: number) => `new Promise((resolve) => {
  const el = document.querySelector('[data-testid="users-scroller"]');
  const seen = [];
  let last = performance.now();
  const tick = (now) => {
    seen.push(now - last);
    last = now;
    el.scrollTop += ${step};
    if (seen.length < ${frames}) requestAnimationFrame(tick);
    else resolve(seen.slice(1));
  };
  requestAnimationFrame(tick);
})`;

async function frameGaps(page: Page, step: number, frames: number): Promise<FrameGaps> {
  const gaps = z.array(z.number()).parse(await page.evaluate(frameGapsScript(step, frames)));
  return {
    frames: gaps.length,
    p50: percentile(gaps, 50),
    p95: percentile(gaps, 95),
    p99: percentile(gaps, 99),
    max: Math.max(...gaps),
  };
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('E-mail').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.keyboard.press('Enter');
  await page.locator(ROW).first().waitFor();
}

/** Page loads and navigations, warm: the files are in the browser's cache after the sign-in. */
async function timeNavigations(page: Page, url: string) {
  const rows = page.locator(ROW);
  const reloadMs: number[] = [];
  const inAppMs: number[] = [];
  for (let run = 0; run < NAVIGATION_RUNS; run += 1) {
    await page.goto(`${url}/admin/users`);
    await rows.first().waitFor();
    reloadMs.push(z.number().parse(await page.evaluate('window.__rowsVisibleAt')));
    await page.getByRole('link', { name: 'Operations' }).click();
    await rows.first().waitFor({ state: 'detached' });
    inAppMs.push(z.number().parse(await page.evaluate(CHOOSE_USERS_TIMED)));
  }
  return { reloadMs, inAppMs };
}

/** The row the table shows first ("Rows a–b of n"). */
async function firstRowShown(page: Page): Promise<number> {
  const text = (await page.getByTestId('users-position').textContent()) ?? '';
  return Number(/Rows ([\d,]+)–/.exec(text)?.[1]?.replaceAll(',', '') ?? Number.NaN);
}

const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export async function benchBrowser(tenantUsers = 50_000, port = 3997): Promise<BrowserBenchResult> {
  if (!existsSync(WEB_DIST)) throw new Error(`No built web app at ${WEB_DIST}: run \`pnpm build\` first.`);
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-browser-bench-'));
  try {
    // As the README's first line starts it: a fresh data directory, migrated, seeded, served.
    console.log(`  starting the server on ${dataDir}, seeding ${tenantUsers.toLocaleString('en')} users…`);
    const server = await startServerProcess('', port, {
      ROSTER_DATA_DIR: dataDir,
      ROSTER_DEMO_USERS: String(tenantUsers),
    });
    // Launched inside: a Chromium that does not start still stops the server.
    const launched = chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    try {
      const browser = await launched;
      const load: [string, string] = [loadAverage(), ''];
      const page = await browser.newPage({ viewport: VIEWPORT });
      page.setDefaultTimeout(30_000);
      await page.addInitScript(RECORD_ROWS_VISIBLE);
      await signIn(page, server.url);
      const navigations = await timeNavigations(page, server.url);
      await page.getByRole('button', { name: 'First row' }).click();
      const idle = await frameGaps(page, 0, IDLE_FRAMES);
      const scroll = await frameGaps(page, SCROLL_STEP_PX, SCROLL_FRAMES);
      load[1] = loadAverage();
      return {
        chromium: browser.version(),
        tenantUsers,
        ...navigations,
        idle,
        scroll: { ...scroll, toRow: await firstRowShown(page) },
        load,
      };
    } finally {
      await launched.then((browser) => browser.close()).catch(() => {});
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const gapsRow = (name: string, g: FrameGaps) =>
  `| ${name} | ${g.frames} | ${ms(g.p50)} | ${ms(g.p95)} | ${ms(g.p99)} | ${ms(g.max)} |`;
const list = (values: number[]) => values.map((v) => Math.round(v).toLocaleString('en')).join(', ');

/** The BENCHMARKS.md section of one run. */
export function browserSection(r: BrowserBenchResult, date: string, machine: string): string {
  return [
    '## The users page in a browser, on the default install',
    '',
    `${date} · ${machine} · Chromium ${r.chromium} headless (software rendering) at ${VIEWPORT.width}×${VIEWPORT.height} · load average ${r.load[0]} before, ${r.load[1]} after (1, 5, 15 min) · \`pnpm --filter @roster/bench bench:browser\` (\`pnpm build\` first).`,
    '',
    `The real server process on a fresh embedded data directory seeded with ${r.tenantUsers.toLocaleString('en')} demo users, serving the built web app, as the README's first line starts it. Never asserted in a test.`,
    '',
    `**Users on screen** (performance.now() when the first row appears; ${NAVIGATION_RUNS} runs, warm: the files in the browser's cache after the sign-in). A new page load of \`/admin/users\`: median **${Math.round(percentile(r.reloadMs, 50))} ms** (${list(r.reloadMs)}); choosing Users in the menu from Operations: median **${Math.round(percentile(r.inAppMs, 50))} ms** (${list(r.inAppMs)}). Target ≤ 1 s.`,
    '',
    `**Scrolling** (a \`requestAnimationFrame\` loop scrolls the users table ${SCROLL_STEP_PX} px a frame for ${SCROLL_FRAMES} frames from the first row, pages loading on the way, and records the gap between frames; the same loop without scrolling gives the page's own floor). At 60 Hz a frame is 16.7 ms; target p95 ≤ 20 ms.`,
    '',
    '| run | frames | p50 | p95 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|',
    gapsRow('idle page (floor)', r.idle),
    gapsRow(`scroll to row ${r.scroll.toRow.toLocaleString('en')}`, r.scroll),
  ].join('\n');
}
