import { TRPCClientError } from '@trpc/client';

/** The stable code of a refusal (`not_admin`, `selection_changed`, …) when the API gave one. */
export function rosterErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (data && typeof data === 'object' && 'code' in data && typeof data.code === 'string') {
    return data.code;
  }
  return undefined;
}
