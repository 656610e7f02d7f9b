import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** The code block that follows `<!-- example: PATH -->` in the README, for each such marker. */
function readmeExamples(readme: string): { path: string; code: string }[] {
  return [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)].map((match) => ({
    path: match[1] ?? '',
    code: match[2] ?? '',
  }));
}

describe('README', () => {
  it('shows the type-checked example files exactly as they are', () => {
    const examples = readmeExamples(read('README.md'));
    expect(examples.map((example) => example.path)).toEqual(['examples/listInvited.ts']);
    for (const example of examples) expect(example.code).toBe(read(example.path));
  });
});
