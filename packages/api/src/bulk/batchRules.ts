import { queryRows } from '@roster/db';
import {
  type BulkOperation,
  boundOperation,
  changesAccess,
  KIND_TRAITS,
  operationAuditAction,
  type PlanContext,
  planBulkOperation,
  planRevert,
  type RecordedChange,
  recordedChangeSchema,
} from '@roster/domain';
import { sql } from 'drizzle-orm';
import { heldEmails } from '../users/heldEmails';
import type { BatchRule } from './processBatch';

/**
 * The rule of one of the seven operations (SPEC §2), with the tenant facts loaded at its start: what
 * its definition declares (whether it reads access, whether it can change administrators).
 */
export function operationRule(
  operation: BulkOperation,
  plan: Omit<PlanContext, 'activeAdminCount' | 'now'>,
): BatchRule {
  const definition = boundOperation(operation);
  return {
    action: operationAuditAction(operation.kind),
    mayChangeAdmins: definition.changesActiveAdministrators,
    invitationMessage: operation.kind === 'invite' ? operation.message : undefined,
    prepare: async () => ({
      withAccess: definition.readsAccess,
      decide: (users, activeAdminCount, now) =>
        planBulkOperation(operation, users, { ...plan, now, activeAdminCount }),
    }),
  };
}

/** The revert of `sourceOperationId`: each user's recorded change, given back (domain `planRevert`). */
export function revertRule(
  sourceOperationId: string,
  context: { actorId: string; invitationTtlMs: number; adminRoleIds: ReadonlySet<string> },
): BatchRule {
  return {
    action: 'user.revert',
    mayChangeAdmins: KIND_TRAITS.revert.changesActiveAdministrators,
    prepare: async (tx, batch) => {
      // By the positions the batch kept: primary-key lookups, not a walk over every result.
      const rows = await queryRows<{
        user_id: string;
        before: unknown;
        after: unknown;
        version: number | null;
      }>(
        tx,
        sql`select user_id::text as user_id, before, after, version from bulk_operation_items
            where operation_id = ${sourceOperationId} and position = any(${sql.param(batch.sourcePositions ?? [])}::int[])
              and outcome = 'change'`,
      );
      const recorded = new Map<string, RecordedChange>(
        rows.map((row) => [
          row.user_id,
          {
            before: recordedChangeSchema.parse(row.before),
            after: recordedChangeSchema.parse(row.after),
            version: row.version,
          },
        ]),
      );
      // E-mails an identity provider changed, to be given back: those another user holds now.
      const emails = [...recorded.values()].flatMap((r) =>
        r.before.email === undefined ? [] : [r.before.email],
      );
      const takenEmails = await heldEmails(tx, emails);
      return {
        withAccess: [...recorded.values()].some((r) => changesAccess(r.before)),
        decide: (users, activeAdminCount, now) =>
          planRevert(
            users.flatMap((user) => {
              const change = recorded.get(user.id);
              return change ? [{ user, recorded: change }] : [];
            }),
            { ...context, now, activeAdminCount, takenEmails },
          ),
      };
    },
  };
}
