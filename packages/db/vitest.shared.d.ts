/** The vitest settings every package with database tests shares (vitest.shared.js). */
export declare const databaseTestConfig: {
  globalSetup: string[];
  hookTimeout: number;
  testTimeout: number;
  maxWorkers: number;
  isolate: boolean;
};
