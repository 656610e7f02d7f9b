import type { NewUserField } from '@roster/domain';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { type FormEvent, useRef, useState } from 'react';
import { newOperationId } from '../bulk/newOperationId';
import { PrivilegedConfirmation } from '../bulk/PrivilegedConfirmation';
import { RolePicker } from '../bulk/RolePicker';
import { SourceUserPicker } from '../bulk/SourceUserPicker';
import { toldFinished } from '../bulk/useOperationToast';
import { FormDialogActions } from '../components/FormDialogActions';
import { TextField } from '../components/TextField';
import { closeOnEscapePassedOn } from '../components/Toasts';
import {
  createdUserOf,
  errorCode,
  errorMessage,
  rosterErrorIssues,
  useTRPC,
  useTRPCClient,
} from '../lib/trpc';
import { useReturnFocus } from '../lib/useReturnFocus';
import type { UserRow } from './UsersTable';

type FieldErrors = Partial<Record<NewUserField, string>>;

const FIELDS: readonly NewUserField[] = ['email', 'firstName', 'lastName', 'role', 'copyAccessFrom'];

/** The refusal of a field, as the API names it in `data.issues` (the import's reason for the row). */
function fieldErrors(error: unknown): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of rosterErrorIssues(error)) {
    const field = FIELDS.find((f) => f === issue.path[0]);
    if (field) errors[field] ??= issue.message;
  }
  return errors;
}

/**
 * "New user": one person added without a CSV. The server creates it as a one-row import (the
 * import's rule decides it, the import's run creates it and records the operation and its audit);
 * what it refuses comes back on the field it is about. `onCreated` gets the new user's id.
 */
export function NewUserDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (user: { id: string; email: string; invited: boolean }) => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const roles = useQuery(trpc.roles.list.queryOptions(undefined, { staleTime: 300_000 }));
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [roleId, setRoleId] = useState<string | null>(null);
  const [source, setSource] = useState<UserRow | null>(null);
  const [invite, setInvite] = useState(true);
  const [confirmation, setConfirmation] = useState('');
  // One id per person being added: a retried submit of the same form never creates twice.
  const [operationId, setOperationId] = useState(newOperationId);
  const role = roles.data?.find((r) => r.id === roleId);
  // Closed (cancelled, Escape), focus goes back to the button that opened it; created, it stays in
  // the new user's drawer, which opens in its place.
  const returnFocus = useReturnFocus(open);
  const created = useRef(false);
  const privileged = role?.isAdmin === true;

  const create = useMutation({
    mutationFn: async () => {
      const operation = await client.users.create.mutate({
        operationId,
        email,
        firstName,
        lastName,
        role: role?.name ?? '',
        copyAccessFrom: source?.email ?? '',
        invite,
        confirmPrivileged: privileged && confirmation.trim() === '1' ? true : undefined,
      });
      // This dialog and the notice after it tell how the one-row import went: the finished-operation
      // notices do not tell it again ("Import: succeeded").
      toldFinished.add(operation.id);
      const added = await createdUserOf(client, operation.id);
      if (!added.user) throw new Error(added.sentence);
      return { ...added.user, invited: invite };
    },
    onSuccess: (user) => {
      reset();
      created.current = true;
      onCreated(user);
    },
    // A refused person is another attempt: the next submit is a new operation.
    onError: () => setOperationId(newOperationId()),
  });
  const reset = () => {
    setEmail('');
    setFirstName('');
    setLastName('');
    setRoleId(null);
    setSource(null);
    setInvite(true);
    setConfirmation('');
    setOperationId(newOperationId());
    create.reset();
  };
  const errors = create.isError ? fieldErrors(create.error) : {};
  const general =
    create.isError && Object.keys(errors).length === 0
      ? errorCode(create.error) === 'confirmation_required'
        ? 'Confirm the Administrator role by typing 1 below.'
        : errorMessage(create.error)
      : null;
  const confirmed = !privileged || confirmation.trim() === '1';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!create.isPending && confirmed) create.mutate();
  };

  const close = () => {
    reset();
    onOpenChange(false);
  };
  return (
    <Dialog.Root open={open} onOpenChange={(next) => (next ? onOpenChange(true) : close())}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content
          data-testid="new-user-dialog"
          onCloseAutoFocus={(event) => {
            if (!created.current) return returnFocus(event);
            created.current = false;
            event.preventDefault();
          }}
          {...closeOnEscapePassedOn(close)}
          className="fixed top-1/2 left-1/2 z-50 flex max-h-[calc(100dvh-2rem)] w-[calc(100vw-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 flex-col overflow-y-auto rounded-2xl bg-white p-6 shadow-xl"
        >
          <Dialog.Title className="text-lg font-semibold text-slate-900">New user</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-slate-600">
            Adds one person, checked and recorded as a one-row import is (in Operations).
          </Dialog.Description>
          <form className="mt-5 flex flex-col gap-4" onSubmit={submit} noValidate>
            <TextField
              label="E-mail"
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={errors.email}
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField
                label="First name"
                autoComplete="off"
                value={firstName}
                onChange={(e) => setFirstName(e.target.value)}
                error={errors.firstName}
              />
              <TextField
                label="Last name"
                autoComplete="off"
                value={lastName}
                onChange={(e) => setLastName(e.target.value)}
                error={errors.lastName}
              />
            </div>
            <div>
              <RolePicker label="Role" roleId={roleId} onChange={setRoleId} />
              {errors.role ? (
                <p className="mt-1.5 text-sm text-red-600">{errors.role}</p>
              ) : (
                !roleId && <p className="mt-1.5 text-xs text-slate-600">Reader when none is chosen.</p>
              )}
            </div>
            <div>
              <SourceUserPicker label="Copy access from" source={source} onChange={setSource} />
              <div className="mt-1.5 flex items-center justify-between gap-2">
                {errors.copyAccessFrom ? (
                  <p className="text-sm text-red-600">{errors.copyAccessFrom}</p>
                ) : (
                  <p className="text-xs text-slate-600">
                    Module access, scope and rights of that user; none when empty.
                  </p>
                )}
                {source && (
                  <button
                    type="button"
                    onClick={() => setSource(null)}
                    className="shrink-0 rounded text-xs font-medium text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600"
                  >
                    Copy from nobody
                  </button>
                )}
              </div>
            </div>
            <label className="flex items-start gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                checked={invite}
                onChange={(e) => setInvite(e.target.checked)}
                className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-brand-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
              />
              <span>
                Invite now
                <span className="block text-xs text-slate-600">
                  Sends the invitation e-mail at once; otherwise the user is created without one.
                </span>
              </span>
            </label>
            {privileged && (
              <PrivilegedConfirmation count={1} value={confirmation} onChange={setConfirmation} />
            )}
            {general && (
              <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
                {general}
              </p>
            )}
            {Object.keys(errors).length > 0 && (
              <p role="alert" className="sr-only">
                {`The user was not created: ${Object.values(errors).join(' ')}`}
              </p>
            )}
            <FormDialogActions
              className="mt-2 flex justify-end gap-2"
              disabled={create.isPending || !confirmed}
            >
              {create.isPending ? 'Creating…' : invite ? 'Create and invite' : 'Create user'}
            </FormDialogActions>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
