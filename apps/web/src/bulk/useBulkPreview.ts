import {
  type BulkOperation,
  boundOperation,
  type PlanContext,
  type PlanUser,
  type Selection,
} from '@roster/domain';
import { skipToken, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC, useTRPCClient } from '../lib/trpc';
import { useMe } from '../lib/useMe';
import type { UserRow } from '../users/UsersTable';
import { planUserFromRow } from './planUsersFromRows';
import { type Preview, previewFromServer, previewInBrowser } from './previewModel';

type Input = {
  /** The operation to preview (without the parts that change no outcome); null while incomplete. */
  operation: BulkOperation | null;
  selection: Selection;
  /** Every selected user when all of them are loaded (in selection order); else null. */
  planUsers: readonly PlanUser[] | null;
  /** For "Copy access": the picked source user's row. */
  sourceRow: UserRow | null;
  /** Names this selection (it does not change while the panel is open). */
  selectionKey: string;
};

export type BulkPreviewState = {
  preview: Preview | undefined;
  /** Milliseconds the browser took to decide (undefined for server previews). */
  tookMs: number | undefined;
  pending: boolean;
  error: unknown;
  retry: () => void;
};

/** The tenant facts the rule needs, as the browser knows them; null until they are loaded. */
function usePlanContext(operation: BulkOperation | null, sourceRow: UserRow | null): PlanContext | null {
  const trpc = useTRPC();
  const me = useMe();
  const roles = useQuery(trpc.roles.list.queryOptions(undefined, { staleTime: 300_000 }));
  const catalog = useQuery(trpc.catalog.get.queryOptions(undefined, { staleTime: 300_000 }));
  const adminRoleIds = roles.data?.filter((r) => r.isAdmin).map((r) => r.id) ?? [];
  const admins = useQuery(
    trpc.users.count.queryOptions(
      { filter: { status: ['active'], roleIds: adminRoleIds } },
      { enabled: adminRoleIds.length > 0, staleTime: 0 },
    ),
  );
  const actorId = me.data?.id;
  const ttlDays = catalog.data?.invitationTtlDays;
  const activeAdminCount = admins.data?.total;
  return useMemo(() => {
    if (!operation || actorId === undefined || ttlDays === undefined) return null;
    if (activeAdminCount === undefined || !roles.data) return null;
    const context: PlanContext = {
      actorId,
      now: new Date(),
      activeAdminCount,
      // The server's setting, so the preview shows the expiry the invitations will have.
      invitationTtlMs: ttlDays * 86_400_000,
    };
    // The facts the operation's definition names: the role it assigns, the user it copies from.
    const { roleId, sourceUserId } = boundOperation(operation).tenantFacts;
    if (roleId !== undefined) {
      const role = roles.data.find((r) => r.id === roleId);
      if (!role) return null;
      context.role = { id: role.id, isAdmin: role.isAdmin };
    }
    if (sourceUserId !== undefined) {
      if (sourceRow?.id !== sourceUserId) return null;
      context.source = planUserFromRow(sourceRow);
    }
    return context;
  }, [operation, actorId, ttlDays, activeAdminCount, roles.data, sourceRow]);
}

/**
 * The preview of an operation on a selection: decided instantly in the browser by the domain rule
 * when every selected user is loaded, else by `bulk.preview` (counts and samples per group).
 */
export function useBulkPreview({
  operation,
  selection,
  planUsers,
  sourceRow,
  selectionKey,
}: Input): BulkPreviewState {
  const client = useTRPCClient();
  const context = usePlanContext(planUsers ? operation : null, sourceRow);
  const inBrowser = useMemo(() => {
    if (!operation || !planUsers || !context) return undefined;
    const started = performance.now();
    const preview = previewInBrowser(operation, planUsers, context);
    return { preview, tookMs: performance.now() - started };
  }, [operation, planUsers, context]);

  const server = useQuery({
    queryKey: ['bulk.preview', selectionKey, operation],
    queryFn:
      operation && !planUsers
        ? async () => previewFromServer(await client.bulk.preview.mutate({ operation, selection }))
        : skipToken,
    retry: false,
    staleTime: 30_000,
  });

  if (!operation)
    return { preview: undefined, tookMs: undefined, pending: false, error: null, retry: () => {} };
  if (planUsers) {
    return {
      preview: inBrowser?.preview,
      tookMs: inBrowser?.tookMs,
      pending: !inBrowser,
      error: null,
      retry: () => {},
    };
  }
  return {
    preview: server.data,
    tookMs: undefined,
    pending: server.isPending,
    error: server.error,
    retry: () => void server.refetch(),
  };
}
