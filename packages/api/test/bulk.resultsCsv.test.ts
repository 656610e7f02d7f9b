import { randomUUID } from 'node:crypto';
import { moduleAccess, orgUnits, userRights, userScopes } from '@roster/db';
import { beforeEach, describe, expect, it } from 'vitest';
import { bulkResultsCsv } from '../src';
import { type Caller, useHarness } from './harness';

const h = useHarness();
let admin: Caller;

beforeEach(async () => {
  admin = (await h.signedIn('Administrator', { email: 'ada@roster.test' })).caller;
});

/** The results CSV of an operation: its file name and its lines. */
async function resultsCsvOf(operationId: string) {
  const csv = await bulkResultsCsv(h.db, operationId);
  if (!csv) throw new Error(`no operation ${operationId}`);
  let text = '';
  for await (const chunk of csv.lines) text += chunk;
  return { fileName: csv.fileName, lines: text.trimEnd().split('\r\n') };
}

describe('the results CSV', () => {
  it('writes copied access field by field, with module, unit and right names, never ids', async () => {
    const [finance, sales] = await h.db
      .insert(orgUnits)
      .values([
        { name: 'Finance', kind: 'department' },
        { name: 'Sales', kind: 'department' },
      ])
      .returning();
    const source = await h.createUser({ email: 'source@x.test' });
    const target = await h.createUser({ email: 'target@x.test' });
    await h.db.insert(moduleAccess).values([
      { userId: source.id, module: 'portfolio', level: 'edit' },
      { userId: source.id, module: 'budget', level: 'read' },
      { userId: target.id, module: 'portfolio', level: 'read' },
    ]);
    await h.db.insert(userScopes).values([
      { userId: source.id, orgUnitId: finance?.id ?? '' },
      { userId: source.id, orgUnitId: sales?.id ?? '' },
    ]);
    await h.db.insert(userRights).values({ userId: source.id, right: 'budget_manager' });

    const op = await admin.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'copy_access', sourceUserId: source.id, mode: 'replace' },
      selection: { ids: [target.id] },
    });
    const csv = await resultsCsvOf(op.id);
    expect(csv.fileName).toBe('copy-access-2026-03-02-0900.csv');
    expect(csv.lines).toEqual([
      'user_id,email,name,outcome,reason,sentence,before,after',
      `${target.id},target@x.test,${target.firstName} ${target.lastName},Changed,,,` +
        'Portfolio: Read; Budget: No access; Scope: —; Rights: —,' +
        '"Portfolio: Edit; Budget: Read; Scope: Finance, Sales; Rights: Budget manager"',
    ]);
    // The API's page of results carries the same name.
    expect((await admin.bulk.results({ id: op.id })).items.map((i) => i.name)).toEqual([
      `${target.firstName} ${target.lastName}`,
    ]);
  });

  it('writes an invitation’s status and validity, the date in UTC', async () => {
    const user = await h.createUser({ email: 'new@x.test', status: 'created' });
    const op = await admin.bulk.execute({
      operationId: randomUUID(),
      operation: { kind: 'invite' },
      selection: { ids: [user.id] },
    });
    const csv = await resultsCsvOf(op.id);
    expect(csv.fileName).toBe('invite-2026-03-02-0900.csv');
    expect(csv.lines[1]).toBe(
      `${user.id},new@x.test,${user.firstName} ${user.lastName},Changed,,,` +
        'Status: Created; Invitation valid until: —,Status: Invited; Invitation valid until: 2026-03-09 09:00 UTC',
    );
  });

  it('is null for an operation nobody ran', async () => {
    expect(await bulkResultsCsv(h.db, randomUUID())).toBeNull();
  });
});
