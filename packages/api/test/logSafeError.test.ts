import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { logSafeError } from '../src';
import { errorText, logUnexpectedError } from '../src/errorText';
import { useHarness } from './harness';

/** Issue 16 item 5: what reaches the log of a failed query holds none of its values. */

const SECRET = 'secret-value-of-a-parameter';
const t = useHarness({ reset: false });

/** A real failing query whose parameter the database quotes back in its message. */
async function failingQuery(): Promise<unknown> {
  try {
    await t.db.execute(sql`select ${SECRET}::uuid as id`);
  } catch (error) {
    return error;
  }
  throw new Error('the query did not fail');
}

describe('errors of failed queries, as logged', () => {
  it('logSafeError keeps the first words of the statement and the code, not the parameters', async () => {
    const error = await failingQuery();
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).toContain(SECRET);
    const logged = JSON.stringify(logSafeError(error));
    expect(logged).toContain('Failed query: select');
    expect(logged).toContain('"code":"22P02"');
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain('params');
  });

  it('logUnexpectedError (a bulk operation stopped) and errorText hold no parameter value', async () => {
    const error = await failingQuery();
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      logUnexpectedError('00000000-0000-0000-0000-000000000000', error);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('\n')).toContain('22P02');
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(errorText(error)).not.toContain(SECRET);
  });
});
