import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** One violation of impact critical or serious, as a line a person can act on. */
export type SeriousViolation = { rule: string; impact: string; targets: string[]; summary: string };

/**
 * axe-core's WCAG 2.x A/AA rules (and its best practices) on the page as it is now, an open dialog or
 * menu included: the violations of impact `critical` or `serious` (issue 19 item 2 wants none).
 */
export async function seriousViolations(page: Page): Promise<SeriousViolation[]> {
  // Colours are checked as they settle: a button that has just become enabled fades from its
  // disabled shade (transition-colors), and axe reading it half-way sees a contrast the person never
  // reads (CI met it: a submit button at #7f78ec, between brand-600/50 and brand-600). Finite
  // animations only: a spinner's endless one never finishes.
  await page.evaluate(`Promise.all(
    document.getAnimations()
      .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
      .map((a) => a.finished.catch(() => undefined)),
  )`);
  // Legacy mode runs axe in the page alone: the default mode also opens a blank page for every check
  // to put the frames' results together: half of a check's time, ~55 checks a run. It does not look
  // into frames, and the app has one only, the e-mail's, excluded below: a frame of any other kind
  // fails the check rather than going unchecked.
  const unchecked = await page.evaluate(`document.querySelectorAll('iframe:not([sandbox])').length`);
  if (unchecked !== 0) throw new Error(`${String(unchecked)} frame(s) axe's legacy mode would not check`);
  const results = await new AxeBuilder({ page })
    .setLegacyMode(true)
    // Only violations are read: axe then keeps one node for each passed or inapplicable rule instead
    // of every node it checked. First: `options` replaces the options `withTags` adds to.
    .options({ resultTypes: ['violations'] })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    // An e-mail shown as its recipient sees it (Outbox) is the e-mail's HTML, in a frame sandboxed
    // without scripts, where axe cannot run (it waits for it forever): the app around it is checked.
    .exclude('iframe[sandbox]')
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      summary: v.nodes[0]?.failureSummary?.split('\n').slice(0, 3).join(' ') ?? v.help,
    }));
}
