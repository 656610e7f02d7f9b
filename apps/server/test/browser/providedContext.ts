import type { ChromiumChoice } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium every browser test drives, chosen once by the browser tests' global setup. */
    chromium: ChromiumChoice;
  }
}
