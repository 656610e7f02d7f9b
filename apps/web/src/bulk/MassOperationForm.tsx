import {
  type BulkOperation,
  countToConfirm,
  OPERATIONS,
  type PlanUser,
  privilegedConfirmationCount,
  type Selection,
} from '@roster/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Button } from '../components/Button';
import { formatCount, plural } from '../lib/format';
import { errorCode, errorMessage, useTRPC } from '../lib/trpc';
import type { UserRow } from '../users/UsersTable';
import { BulkPreview } from './BulkPreview';
import { CountConfirmation } from './CountConfirmation';
import { newOperationId } from './newOperationId';
import { OPERATION_FIELDS, OperationFields } from './OperationFields';
import { newDraft, operationFromDraft, withInvitationMessage } from './operationDraft';
import { PrivilegedConfirmation } from './PrivilegedConfirmation';
import { SelectionChangedNotice } from './SelectionChangedNotice';
import { useBulkPreview } from './useBulkPreview';
import { useNames } from './useNames';

type Props = {
  kind: BulkOperation['kind'];
  selection: Selection;
  /** Every selected user when all are loaded (the instant preview); else null (server preview). */
  planUsers: readonly PlanUser[] | null;
  selectionKey: string;
  /** For Copy access: the user copied from, when chosen before (a user's "Copy access to…"). */
  source?: UserRow | undefined;
  /** After `selection_changed`: select all the users the filter matches now (this many). */
  onRecount: (count: number) => void;
  onApplied: (operationId: string) => void;
  onCancel: () => void;
};

/**
 * The chosen operation before it runs: its own field, the preview, the typed confirmation when
 * users would gain or lose the Administrator role, and Apply (`bulk.execute`).
 */
export function MassOperationForm({
  kind,
  selection,
  planUsers,
  selectionKey,
  source,
  onRecount,
  onApplied,
  onCancel,
}: Props) {
  const trpc = useTRPC();
  const names = useNames();
  const [draft, setDraft] = useState(() => ({ ...newDraft(kind), source: source ?? null }));
  const [message, setMessage] = useState('');
  const [typed, setTyped] = useState('');
  const [typedCount, setTypedCount] = useState('');
  const operation = useMemo(() => operationFromDraft(draft), [draft]);
  const state = useBulkPreview({ operation, selection, planUsers, sourceRow: draft.source, selectionKey });
  const preview = state.preview;

  // One id per distinct request: retrying the same Apply (e.g. after a lost answer) cannot run twice.
  const [attempt, setAttempt] = useState<{ key: string; id: string } | null>(null);
  const queryClient = useQueryClient();
  const execute = useMutation(
    trpc.bulk.execute.mutationOptions({
      onSuccess: (applied) => {
        // The panel follows the operation at once, under its own name, without waiting for bulk.get.
        queryClient.setQueryData(trpc.bulk.get.queryKey({ id: applied.id }), applied);
        onApplied(applied.id);
      },
    }),
  );

  // Users gaining or losing the Administrator role, counted by the domain: the number to type.
  const toConfirm = preview ? privilegedConfirmationCount(preview) : 0;
  const privileged = toConfirm > 0;
  const confirmed = !privileged || typed.trim().replaceAll(',', '') === String(toConfirm);
  // Locking many people out: the number of users it is applied to, counted by the domain.
  const countToType = preview ? countToConfirm(kind, preview.total) : null;
  const countConfirmed =
    countToType === null || typedCount.trim().replaceAll(',', '') === String(countToType);
  const changes = preview?.counts.change ?? 0;
  // The filter matches other users than the admin saw: the preview is stale until previewed again.
  const selectionChanged =
    'filter' in selection &&
    (errorCode(state.error) === 'selection_changed' || errorCode(execute.error) === 'selection_changed');
  const canApply =
    operation !== null &&
    preview !== undefined &&
    !state.error &&
    !selectionChanged &&
    changes > 0 &&
    confirmed &&
    countConfirmed;

  const apply = () => {
    if (!operation || !canApply) return;
    const request = withInvitationMessage(operation, message);
    const key = JSON.stringify([request, privileged, countToType]);
    const id = attempt?.key === key ? attempt.id : newOperationId();
    setAttempt({ key, id });
    execute.mutate({
      operationId: id,
      operation: request,
      selection,
      ...(privileged ? { confirmPrivileged: true } : {}),
      ...(countToType === null ? {} : { confirmCount: countToType }),
    });
  };

  const refused = execute.error;
  return (
    <>
      <div className="flex min-h-0 flex-1 flex-col gap-5 overflow-y-auto px-6 py-5">
        <OperationFields draft={draft} onChange={setDraft} message={message} onMessageChange={setMessage} />
        {operation ? (
          <section aria-label="Preview" className="flex flex-col gap-3">
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Preview</h3>
            {selectionChanged && 'filter' in selection ? (
              <SelectionChangedNotice
                filter={selection.filter}
                onPreviewAgain={(count) => {
                  execute.reset();
                  onRecount(count);
                }}
              />
            ) : (
              <BulkPreview state={state} names={names} changeSentence={OPERATIONS[kind].changeSentence} />
            )}
          </section>
        ) : (
          <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">
            {OPERATION_FIELDS[kind]?.prompt}
          </p>
        )}
        {privileged && preview && (
          <PrivilegedConfirmation
            count={preview.becomeAdministrators}
            lose={preview.loseAdministratorRole}
            value={typed}
            onChange={setTyped}
          />
        )}
        {countToType !== null && (
          <CountConfirmation kind={kind} count={countToType} value={typedCount} onChange={setTypedCount} />
        )}
      </div>
      <footer className="flex items-center gap-3 border-t border-slate-200 bg-slate-50 px-6 py-4">
        <div className="min-w-0 flex-1 text-sm">
          {selectionChanged ? null : refused ? (
            <p role="alert" className="text-red-700">
              {errorMessage(refused)}
            </p>
          ) : preview ? (
            <p className="text-slate-600">
              {changes === 0
                ? 'Nothing would change for these users.'
                : `${formatCount(changes)} of ${plural(preview.total, 'user')} will change.`}
            </p>
          ) : null}
        </div>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          variant={OPERATIONS[kind].tone === 'danger' ? 'danger' : 'primary'}
          disabled={!canApply || execute.isPending}
          onClick={apply}
        >
          {execute.isPending ? 'Applying…' : 'Apply'}
        </Button>
      </footer>
    </>
  );
}
