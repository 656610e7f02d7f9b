import { z } from 'zod';

/** The seven operations of SPEC §2, as the API and the CLI take them. */
export const bulkOperationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('assign_role'), roleId: z.uuid('A role id is a UUID.') }).strict(),
  z
    .object({
      kind: z.literal('copy_access'),
      sourceUserId: z.uuid('A user id is a UUID.'),
      mode: z.enum(['replace', 'merge']).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('invite'),
      message: z.string().trim().max(2000, 'An invitation message has at most 2,000 characters.').optional(),
    })
    .strict(),
  z.object({ kind: z.literal('resend_invitation') }).strict(),
  z.object({ kind: z.literal('cancel_invitation') }).strict(),
  z.object({ kind: z.literal('deactivate') }).strict(),
  z.object({ kind: z.literal('reactivate') }).strict(),
]);
export type BulkOperation = z.infer<typeof bulkOperationSchema>;
export type BulkOperationKindOf<K extends BulkOperation['kind']> = Extract<BulkOperation, { kind: K }>;

/** The UI's words for each operation (the help article's words). */
export const OPERATION_LABELS: Record<BulkOperation['kind'], string> = {
  assign_role: 'Assign role',
  copy_access: 'Copy access and authorizations',
  invite: 'Invite',
  resend_invitation: 'Resend invitation',
  cancel_invitation: 'Cancel invitation',
  deactivate: 'Deactivate',
  reactivate: 'Reactivate',
};
