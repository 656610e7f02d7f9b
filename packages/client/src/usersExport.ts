import type { UsersExportInput } from '@roster/domain';
import type { RosterClientOptions } from './index';

/** A refusal of the users export (`not_admin`, `unknown_role`, `invalid_input`, …), or an answer that is none. */
export class RosterExportError extends Error {
  override readonly name = 'RosterExportError';
  constructor(
    /** The API's stable code (`data.code`); `unexpected_response` when the answer carried none. */
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && key in value
    ? Object.entries(value).find(([k]) => k === key)?.[1]
    : undefined;

/**
 * The users of a view or a selection as CSV (`POST /api/users/export.csv`), as a stream: the server
 * writes it chunk by chunk, so a million users never sit in memory on either side. Refused before any
 * CSV with a RosterExportError carrying the API's code.
 */
export async function openUsersExport(
  options: RosterClientOptions,
  input: UsersExportInput,
): Promise<ReadableStream<Uint8Array>> {
  const response = await (options.fetch ?? globalThis.fetch)(
    `${options.url.replace(/\/$/, '')}/api/users/export.csv`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    },
  );
  if (response.ok && response.body && response.headers.get('content-type')?.startsWith('text/csv')) {
    return response.body;
  }
  const body: unknown = await response.json().catch(() => undefined);
  const error = field(field(body, 'error'), 'json');
  const code = field(field(error, 'data'), 'code');
  const message = field(error, 'message');
  throw new RosterExportError(
    typeof code === 'string' ? code : 'unexpected_response',
    typeof message === 'string' ? message : `The server answered ${response.status} without a CSV.`,
    response.status,
  );
}
