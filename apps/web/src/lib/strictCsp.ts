import { config } from 'zod';

/**
 * The server's Content-Security-Policy allows no eval. zod compiles fast parsers with `new Function`
 * when it can, and probes for it on the first parse: under the policy the probe is refused and
 * reported as a violation. Imported first by every entry point (page and worker), before any schema
 * parses.
 */
config({ jitless: true });
