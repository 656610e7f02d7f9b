import type { TestProject } from 'vitest/node';
import { type ChromiumChoice, resolveChromium } from './chromium';
import './providedContext';

/**
 * Chooses (and, the first time on a machine without Debian's Chromium, unpacks) the browser once per
 * run. A failure is handed on rather than thrown: the browser tests fail with it, the others still run.
 */
export default async function setup(project: TestProject) {
  const choice = await resolveChromium().catch(
    (error: unknown): ChromiumChoice => ({ path: '', source: 'packaged', problem: String(error) }),
  );
  project.provide('chromium', choice);
}
