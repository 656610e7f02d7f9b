/**
 * The SPEC §6 shapes are the procedures' declared outputs: an answer that drifts from its shape (a
 * field renamed or dropped) fails on the server instead of reaching a tool. Each procedure's own
 * function is wrapped so that a test can drift its answer; left alone, it answers as usual.
 */
import type { BulkPreviewInput } from '@roster/domain';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { expectTRPCError, useHarness } from './harness';

/** What the next answer of a wrapped function becomes (undefined: as it is). */
const drift: { next: ((answer: Record<string, unknown>) => unknown) | undefined } = { next: undefined };

function drifting<A extends unknown[]>(real: (...args: A) => Promise<Record<string, unknown>>) {
  return async (...args: A): Promise<unknown> => {
    const answer = await real(...args);
    const change = drift.next;
    drift.next = undefined;
    return change ? change(answer) : answer;
  };
}

vi.mock('../src/users/listUsers', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/users/listUsers')>();
  return { ...real, listUsers: drifting(real.listUsers) };
});
vi.mock('../src/bulk/previewBulkOperation', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/bulk/previewBulkOperation')>();
  return { ...real, previewBulkOperation: drifting(real.previewBulkOperation) };
});
vi.mock('../src/bulk/results', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/bulk/results')>();
  return { ...real, listResults: drifting(real.listResults) };
});

const h = useHarness({ admin: true });
beforeEach(() => {
  drift.next = undefined;
});

/** The answer with one field renamed. */
const rename =
  (from: string, to: string) =>
  ({ [from]: value, ...rest }: Record<string, unknown>) => ({ ...rest, [to]: value });

/** The answer with its first item lacking a field. */
const dropFromFirstItem =
  (field: string) =>
  ({ items, ...rest }: Record<string, unknown>) => {
    const [first, ...others] = Array.isArray(items) ? items : [];
    const { [field]: _, ...kept } = first ?? {};
    return { ...rest, items: [kept, ...others] };
  };

/** The server's answer to its own drifted answer: a 500, not the caller's fault. */
const expectDriftRefused = (call: Promise<unknown>) =>
  expectTRPCError(call, 'INTERNAL_SERVER_ERROR', 'internal_server_error');

async function deactivated(email: string) {
  const user = await h.createUser({ status: 'active', email });
  const op = await h.apply({ kind: 'deactivate' }, [user.id]);
  return { user, op };
}

describe('a drifted answer fails on the server (the procedures declare their SPEC §6 shapes)', () => {
  it('users.list: items with every field, nextCursor and total; an item without its e-mail or a renamed cursor fails', async () => {
    await h.createUser({ status: 'active', email: 'listed@roster.test' });
    const page = await h.admin.caller.users.list({ filter: { search: 'listed@' } });
    expect(page.items.map((u) => u.email)).toEqual(['listed@roster.test']);
    expect(page).toMatchObject({ nextCursor: null, total: 1 });

    drift.next = dropFromFirstItem('email');
    await expectDriftRefused(h.admin.caller.users.list({ filter: { search: 'listed@' } }));
    drift.next = rename('nextCursor', 'next');
    await expectDriftRefused(h.admin.caller.users.list({}));
  });

  it('bulk.preview: total, counts, reasons and samples; a renamed count fails', async () => {
    const user = await h.createUser({ status: 'active' });
    const input: BulkPreviewInput = { operation: { kind: 'deactivate' }, selection: { ids: [user.id] } };
    const preview = await h.admin.caller.bulk.preview(input);
    expect(preview).toMatchObject({ total: 1, counts: { change: 1, skip: 0, blocked: 0 }, reasons: {} });
    expect(preview.samples.change?.map((s) => s.userId)).toEqual([user.id]);

    drift.next = rename('counts', 'tally');
    await expectDriftRefused(h.admin.caller.bulk.preview(input));
  });

  it('bulk.results: items with userId, email, outcome and reason, and nextCursor; a result without its outcome fails', async () => {
    const { user, op } = await deactivated('result@roster.test');
    const results = await h.admin.caller.bulk.results({ id: op.id });
    expect(results.items.map((r) => [r.userId, r.email, r.outcome, r.reason])).toEqual([
      [user.id, 'result@roster.test', 'change', null],
    ]);
    expect(results.nextCursor).toBeNull();

    drift.next = dropFromFirstItem('outcome');
    await expectDriftRefused(h.admin.caller.bulk.results({ id: op.id }));
  });
});
