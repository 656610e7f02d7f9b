declare module 'vitest' {
  export interface ProvidedContext {
    /** The compiled command-line tool the tests run, built once by the tests' global setup. */
    cliBundle: string;
  }
}

export {};
