// Compiles an app for production (issue 18 item 4): `node ../../scripts/bundleApp.mjs <entry.ts>
// <out.js> [--inline-node-modules [--keep=<package>]…]`, run from the app's directory, makes one ES
// module with the workspace packages (@roster/*) inlined from their TypeScript sources, so the app
// runs without a TypeScript loader. Packages from node_modules are left to Node, or with
// --inline-node-modules bundled too, minified: one file to read and compile instead of hundreds is
// what makes a start quick (the server: 1.13 -> 0.6 CPU-s to its first answer; the CLI's --help:
// 0.38 -> 0.20). --keep leaves a package to Node all the same (PGlite reads its WASM and data files
// beside its own module).
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const [entry, out, ...flags] = process.argv.slice(2);
const inlineNodeModules = flags.includes('--inline-node-modules');
/** `--keep=<package>`: left to Node even with --inline-node-modules (a package that reads files beside itself). */
const kept = flags.filter((flag) => flag.startsWith('--keep=')).map((flag) => flag.slice('--keep='.length));
if (!entry || !out) {
  console.error('usage: node scripts/bundleApp.mjs <entry.ts> <out.js>  (from the app directory)');
  process.exit(2);
}
const appDir = process.cwd();
const outfile = resolve(appDir, out);

/** Whether an import (a package name, perhaps with a subpath) is left to Node. */
function leftToNode(path) {
  if (path.startsWith('node:')) return true;
  if (inlineNodeModules) return kept.some((name) => path === name || path.startsWith(`${name}/`));
  return !path.startsWith('@roster/');
}

/**
 * Node resolves an external import from the bundle, that is from the app: a package that an inlined
 * workspace package imports but the app does not depend on would fail at start, so it fails here.
 */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (!leftToNode(args.path) || args.pluginData === 'probe') return undefined;
      if (!args.path.startsWith('node:')) {
        const fromApp = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: appDir,
          pluginData: 'probe',
        });
        if (fromApp.errors.length > 0) {
          const text = `${args.path} (imported by ${relative(appDir, args.importer)}) is not a dependency of this app: add it to its package.json, at the version the importing package uses`;
          return { errors: [{ text }] };
        }
      }
      return { path: args.path, external: true };
    });
  },
};

/**
 * `import.meta.url` keeps naming the file it was written in (@roster/db finds its migrations at
 * `../drizzle` from its own source): it becomes that file's path relative to the bundle, so the
 * built tree still works when the repository is moved.
 */
const importMetaUrlOfSource = {
  name: 'import-meta-url-of-source',
  setup(b) {
    b.onLoad({ filter: /\.(tsx?|m?js)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromBundle = relative(dirname(outfile), args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return {
        contents: source.replaceAll('import.meta.url', url),
        loader: args.path.endsWith('.tsx') ? 'tsx' : args.path.endsWith('.ts') ? 'ts' : 'js',
      };
    });
  },
};

/**
 * zod's `locales` namespace brings the messages of every language it speaks (264 KB of the CLI's
 * 627 KB, all compiled at every start); Roster uses English only (zod's default, `en`), so the bundle
 * keeps that one. `z.locales.<other>()` would be undefined in a bundle.
 */
const englishZodOnly = {
  name: 'english-zod-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[/\\]zod[/\\]/.test(args.importer)
        ? { path: resolve(args.resolveDir, args.path), namespace: 'zod-english' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

await build({
  absWorkingDir: appDir,
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Stack traces point at the TypeScript sources under `node --enable-source-maps`.
  sourcemap: 'linked',
  logLevel: 'warning',
  minify: inlineNodeModules,
  keepNames: inlineNodeModules,
  // CommonJS packages inside an ES module bundle load Node's built-in modules with `require`.
  banner: inlineNodeModules
    ? {
        js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);",
      }
    : {},
  plugins: [externalPackages, importMetaUrlOfSource, ...(inlineNodeModules ? [englishZodOnly] : [])],
}).catch(() => {
  // esbuild has printed the errors.
  process.exit(1);
});
