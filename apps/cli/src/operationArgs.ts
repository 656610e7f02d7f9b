import type { BulkOperation, RosterClient } from '@roster/client';
import { OPERATION_KINDS, OPERATIONS, type OperationKind } from '@roster/domain';
import { roleByName } from './roleByName';
import { sourceUserByEmail } from './userByEmail';

/** The command-line name of each registered operation (`assign-role`), and the API kind it runs. */
export const OPERATION_COMMANDS: readonly { name: string; kind: OperationKind }[] = OPERATION_KINDS.map(
  (kind) => ({ name: kind.replaceAll('_', '-'), kind }),
);

/** The operation's own options, as people write them. */
export type OperationArgs = { role?: string; source?: string; mode?: 'replace' | 'merge'; message?: string };

export type ResolvedOperation = {
  operation: BulkOperation;
  /** What the operation does, in the UI's words: `Assign role “Reader”`. */
  title: string;
};

/** The API operation for a command, with role names and source e-mails looked up. */
export async function operationFromArgs(
  client: RosterClient,
  kind: BulkOperation['kind'],
  args: OperationArgs,
): Promise<ResolvedOperation> {
  const label = OPERATIONS[kind].label;
  switch (kind) {
    case 'assign_role': {
      const role = await roleByName(client, args.role ?? '');
      return {
        operation: { kind, roleId: role.id },
        title: `${label} “${role.name}”`,
      };
    }
    case 'copy_access': {
      const source = await sourceUserByEmail(client, args.source ?? '');
      const mode = args.mode ?? 'replace';
      return {
        operation: { kind, sourceUserId: source.id, mode },
        title: `${label} from ${source.email} (${mode})`,
      };
    }
    case 'invite':
      return {
        operation: args.message === undefined ? { kind } : { kind, message: args.message },
        title: label,
      };
    case 'resend_invitation':
    case 'cancel_invitation':
    case 'deactivate':
    case 'reactivate':
      return { operation: { kind }, title: label };
  }
}
