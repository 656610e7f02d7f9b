import { type BulkOperationKind, importParamsSchema, revertParamsSchema } from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
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

/** An operation's parameters in a few words: the role assigned, the user copied from, the message. */
export function OperationParameters({ kind, params }: { kind: BulkOperationKind; params: unknown }) {
  const names = useNames();
  if (kind === 'import') {
    const file = importParamsSchema.safeParse(params);
    if (!file.success) return <span className="text-slate-400">—</span>;
    return (
      <span className="block truncate" title={`SHA-256 ${file.data.fileSha256}`}>
        {file.data.fileName ?? 'CSV file'} · {formatCount(file.data.totalRows)} rows
        {file.data.invite ? ' · invited' : ''}
      </span>
    );
  }
  if (kind === 'revert') {
    const revert = revertParamsSchema.safeParse(params);
    return revert.success ? (
      <span className="block truncate">
        Reverts <FollowedOperationLink id={revert.data.operationId} />
      </span>
    ) : (
      <span className="text-slate-400">—</span>
    );
  }
  const operation = operationOf(kind, params);
  switch (operation?.kind) {
    case 'assign_role':
      return <span className="block truncate">Role to assign: {names.role(operation.roleId)}</span>;
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
      ) : (
        <span className="text-slate-400">No message</span>
      );
    default:
      return <span className="text-slate-400">—</span>;
  }
}

/** Whether an operation has parameters worth showing (a role, a source user, a message). */
export function hasParameters(kind: BulkOperationKind, params: unknown): boolean {
  const operation = operationOf(kind, params);
  return (
    operation?.kind === 'assign_role' ||
    operation?.kind === 'copy_access' ||
    (operation?.kind === 'invite' && Boolean(operation.message)) ||
    kind === 'import' ||
    kind === 'revert'
  );
}
