import {
  type BulkOperation,
  type BulkOperationKind,
  importParamsSchema,
  revertParamsSchema,
  scimOperationParamsSchema,
} from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { formatCount } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { FollowedOperationLink } from './FollowedOperationLink';
import { operationOf } from './operationLabels';
import { useNames } from './useNames';

function SourceUser({ id }: { id: string }) {
  const trpc = useTRPC();
  const user = useQuery(trpc.users.get.queryOptions({ id }, { staleTime: 300_000, retry: false }));
  return <>{user.data?.email ?? (user.isError ? 'a deleted user' : '…')}</>;
}

function RoleName({ id }: { id: string }) {
  const names = useNames();
  return <>{names.role(id)}</>;
}

const NONE = <span className="text-slate-500">—</span>;

/**
 * What an administrator's operation was given, in a few words, or null when it was given nothing
 * worth showing. Every kind has its case: a new kind does not compile until it says what it shows.
 */
function operationSummary(operation: BulkOperation): ReactNode {
  switch (operation.kind) {
    case 'assign_role':
      return (
        <span className="block truncate">
          Role to assign: <RoleName id={operation.roleId} />
        </span>
      );
    case 'copy_access':
      return (
        <span className="block truncate">
          From <SourceUser id={operation.sourceUserId} /> · {operation.mode === 'merge' ? 'merge' : 'replace'}
        </span>
      );
    case 'invite':
      return operation.message ? (
        <span className="block truncate" title={operation.message}>
          Message: “{operation.message}”
        </span>
      ) : null;
    case 'resend_invitation':
    case 'cancel_invitation':
    case 'deactivate':
    case 'reactivate':
      return null;
    default: {
      const unknownKind: never = operation;
      return unknownKind;
    }
  }
}

/** The parameters of an operation of any kind, or null when there are none worth showing. */
function parametersSummary(kind: BulkOperationKind, params: unknown): ReactNode {
  switch (kind) {
    case 'import': {
      const file = importParamsSchema.safeParse(params);
      if (!file.success) return NONE;
      return (
        <span className="block truncate" title={`SHA-256 ${file.data.fileSha256}`}>
          {file.data.fileName ?? 'CSV file'} · {formatCount(file.data.totalRows)}{' '}
          {file.data.totalRows === 1 ? 'row' : 'rows'}
          {file.data.invite ? ' · invited' : ''}
        </span>
      );
    }
    case 'revert': {
      const revert = revertParamsSchema.safeParse(params);
      return revert.success ? (
        <span className="block truncate">
          Reverts <FollowedOperationLink id={revert.data.operationId} />
        </span>
      ) : (
        NONE
      );
    }
    case 'scim': {
      const scim = scimOperationParamsSchema.safeParse(params);
      return scim.success ? (
        <span className="block truncate">
          {scim.data.request} · token “{scim.data.tokenName}”
        </span>
      ) : (
        NONE
      );
    }
    default: {
      const operation = operationOf(kind, params);
      return operation ? operationSummary(operation) : null;
    }
  }
}

/** An operation's parameters in a few words: the role assigned, the user copied from, the message. */
export function OperationParameters({ kind, params }: { kind: BulkOperationKind; params: unknown }) {
  const summary = parametersSummary(kind, params);
  if (summary !== null) return summary;
  return kind === 'invite' ? <span className="text-slate-500">No message</span> : NONE;
}

/** Whether an operation has parameters worth showing (a role, a source user, a message). */
export function hasParameters(kind: BulkOperationKind, params: unknown): boolean {
  return parametersSummary(kind, params) !== null;
}
