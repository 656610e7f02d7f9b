import { config } from 'zod/v4/core';

/**
 * The server's Content-Security-Policy allows no eval. zod compiles fast parsers with `new Function`
 * when it can, and probes for it on the first parse: under the policy the probe is refused and
 * reported as a violation. Imported first by every entry point (page and worker), before any schema
 * parses.
 *
 * It costs the public pages zod's core (≈ 3.5 KB gzip, issue 19 item 15), which they do not use.
 * Imported by the Admin frame instead, it ran too late: a chunk runs the chunks it imports (the
 * domain's schemas) before its own code, and the shell test saw a CSP violation on every Admin page.
 * Leaving the entry would take zod and this file in one chunk of their own (bundler config).
 */
config({ jitless: true });
