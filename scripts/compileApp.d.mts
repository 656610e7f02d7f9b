/** Runs `appDir`'s build script with `out` in place of dist/main.js; throws with its errors if it fails (compileApp.mjs). */
export declare function compileApp(appDir: string, out: string): void;
