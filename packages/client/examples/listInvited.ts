import { randomUUID } from 'node:crypto';
import { type BulkOperation, createRosterClient, rosterErrorCode, type Selection } from '@roster/client';

const roster = createRosterClient({
  url: process.env.ROSTER_URL ?? 'http://localhost:3000',
  token: process.env.ROSTER_TOKEN ?? '',
});

try {
  // Invited users whose invitation link has expired (the same filter as the Users page).
  const { items, total } = await roster.users.list.query({
    filter: { status: ['invited'], invitationExpired: true },
    sort: { field: 'email', direction: 'asc' },
    limit: 100,
  });
  console.log(`${total} invited users have an expired invitation`);
  for (const user of items) console.log(`${user.email}\texpired ${user.invitation?.expiresAt.toISOString()}`);

  if (items.length > 0) {
    // Send them a new link: preview on the server, then apply with an idempotency key.
    const operation: BulkOperation = { kind: 'resend_invitation' };
    const selection: Selection = { ids: items.map((user) => user.id) };
    const preview = await roster.bulk.preview.mutate({ operation, selection });
    console.log(`${preview.counts.change} will get a new link, ${preview.counts.skip} skipped`);
    const done = await roster.bulk.execute.mutate({ operationId: randomUUID(), operation, selection });
    console.log(`operation ${done.id}: ${done.status}, ${done.counts.change} invitations sent again`);
  }
} catch (error) {
  // Refusals carry a stable code (not_signed_in, not_admin, invalid_input, …) and a sentence.
  console.error(`${rosterErrorCode(error) ?? 'error'}: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
