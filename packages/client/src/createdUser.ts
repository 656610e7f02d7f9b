import type { RosterClient } from './index';

/**
 * The user `users.create` added (a one-row import): read from its operation's results, the row whose
 * outcome is a change; when there is none, the row's sentence says why nobody was created.
 */
export async function createdUserOf(
  client: RosterClient,
  operationId: string,
): Promise<{ user: { id: string; email: string } } | { user: null; sentence: string }> {
  const results = await client.bulk.results.query({ id: operationId });
  const created = results.items.find((item) => item.outcome === 'change');
  if (created) return { user: { id: created.userId, email: created.email } };
  return { user: null, sentence: results.items[0]?.sentence ?? 'The user was not created.' };
}
