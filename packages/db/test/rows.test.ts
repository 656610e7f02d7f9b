import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, insertNewRowsFirst, queryRows } from '../src';

describe('insertNewRowsFirst', () => {
  let handle: Awaited<ReturnType<typeof createDb>>;
  beforeAll(async () => {
    handle = await createDb({ dataDir: 'memory://' });
    await handle.db.execute(sql`create table kept (id int primary key, label text not null)`);
  });
  afterAll(() => handle.close());

  const labels = async () =>
    (
      await queryRows<{ id: number; label: string }>(handle.db, sql`select id, label from kept order by id`)
    ).map((r) => `${r.id}:${r.label}`);
  const insertRows = (rows: [number, string][]) =>
    handle.db.transaction((tx) =>
      insertNewRowsFirst(tx, async (executor, skipConflicts) => {
        const values = sql.join(
          rows.map(([id, label]) => sql`(${id}, ${label})`),
          sql`, `,
        );
        await executor.execute(
          sql`insert into kept (id, label) values ${values} ${skipConflicts ? sql`on conflict do nothing` : sql``}`,
        );
        return skipConflicts;
      }),
    );

  it('inserts new rows plainly, and skips the rows already there only after a conflict, in the same transaction', async () => {
    expect(
      await insertRows([
        [1, 'a'],
        [2, 'b'],
      ]),
    ).toBe(false);
    // Row 2 is there: the plain attempt is undone (its row 3 too) and the second keeps row 2 as it was.
    expect(
      await insertRows([
        [2, 'changed'],
        [3, 'c'],
      ]),
    ).toBe(true);
    expect(await labels()).toEqual(['1:a', '2:b', '3:c']);
  });

  it('lets any other error through, writing nothing', async () => {
    await expect(
      handle.db.transaction((tx) =>
        insertNewRowsFirst(tx, (executor) =>
          executor.execute(sql`insert into kept (id, label) values (9, null)`),
        ),
      ),
    ).rejects.toThrow();
    expect(await labels()).toEqual(['1:a', '2:b', '3:c']);
  });
});
