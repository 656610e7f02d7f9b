#!/usr/bin/env node
// Runs the compiled CLI (`pnpm build` makes dist/main.js): no TypeScript loader at run time.
// In a checkout that was never built, it runs the TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
