import type { TestProject } from 'vitest/node';
import { resolveChromium } from './chromium';
import './providedContext';

/** Chooses (and, the first time on a machine without Debian's Chromium, unpacks) the browser once per run. */
export default async function setup(project: TestProject) {
  project.provide('chromium', await resolveChromium());
}
