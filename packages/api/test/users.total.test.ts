import { seedUsers } from '@roster/db';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness';

const h = useHarness({ reset: false });

describe('users.list totals', () => {
  it("are exact whatever the size; later pages carry the first page's; count: false leaves them to users.count", async () => {
    const { caller } = await h.signedIn('Administrator', { signIn: false });
    await seedUsers(h.db, { users: 2_300, batchSize: 1_000 });
    const all = 2_301;

    const page = await caller.users.list({ limit: 10 });
    expect(page.total).toBe(all);
    expect((await caller.users.count({})).total).toBe(all);

    const next = await caller.users.list({ limit: 10, cursor: page.nextCursor ?? undefined });
    expect(next.total).toBe(all);

    const uncounted = await caller.users.list({ limit: 10, count: false });
    expect(uncounted.total).toBeNull();
    expect(uncounted.items).toEqual(page.items);
    const after = await caller.users.list({
      limit: 10,
      count: false,
      cursor: uncounted.nextCursor ?? undefined,
    });
    expect(after.total).toBeNull();
    expect(after.items).toEqual(next.items);
  });

  it('refuses a cursor made for another filter', async () => {
    const { caller } = await h.signedIn('Administrator', { signIn: false });
    const page = await caller.users.list({ filter: { status: ['active'] }, limit: 5 });
    expect(page.nextCursor).not.toBeNull();
    await expect(
      caller.users.list({ filter: { status: ['created'] }, limit: 5, cursor: page.nextCursor ?? undefined }),
    ).rejects.toMatchObject({ cause: { code: 'invalid_cursor' } });
  });
});
