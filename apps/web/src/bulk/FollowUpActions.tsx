import { canRetry, canRevert, privilegedConfirmationCount, reasonSentence } from '@roster/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../components/Button';
import { ErrorLine } from '../components/ErrorLine';
import { Spinner } from '../components/Spinner';
import { formatCount, plural } from '../lib/format';
import { errorCode, errorMessage, useTRPC } from '../lib/trpc';
import { newOperationId } from './newOperationId';
import { PrivilegedConfirmation } from './PrivilegedConfirmation';
import type { BulkOperationView, RevertPreview } from './types';
import { toldFinished, useOperationToast } from './useOperationToast';

type Mode = 'revert' | 'retry';

const WORDS: Record<Mode, { button: string; title: string; body: (n: number) => string; confirm: string }> = {
  revert: {
    button: 'Revert…',
    title: 'Revert this operation',
    body: (n) =>
      `Reverting gives the ${plural(n, 'user')} it changed back what they had before, as a new operation with its own results. Users changed again since are left as they are.`,
    confirm: 'Revert',
  },
  retry: {
    button: 'Retry failed users…',
    title: 'Retry the failed users',
    body: (n) =>
      `The ${plural(n, 'user')} that failed on an unexpected error go through the same operation again, as a new operation with its own results.`,
    confirm: 'Retry',
  },
};

/**
 * What can follow a finished operation: its revert (when it changed someone and its kind can be
 * taken back) and the retry of its failed users. Each asks first; when the server says the follow-up
 * would give or take the Administrator role, the admin types the number to confirm, as for Assign role.
 */
export function FollowUpActions({
  operation,
  openRevert = false,
}: {
  operation: BulkOperationView;
  /** Open with the revert's preview (a toast's "Undo" leads here). */
  openRevert?: boolean;
}) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const revertible = canRevert(operation.kind) && operation.counts.change > 0;
  const [mode, setMode] = useState<Mode | null>(openRevert && revertible ? 'revert' : null);
  // Once opened (by "Revert…", "Retry…" or "Undo"), the question takes the keyboard's focus: its
  // confirming button is the next Tab, not the last stop of the sheet (the button that opened it is
  // gone, and the focus with it). Cancelled, the focus goes back to the button that asks it again.
  const question = useRef<HTMLElement>(null);
  const openers = useRef<Partial<Record<Mode, HTMLButtonElement | null>>>({});
  const shown = useRef<Mode | null>(null);
  useEffect(() => {
    if (mode) question.current?.focus();
    else if (shown.current) openers.current[shown.current]?.focus();
    shown.current = mode;
  }, [mode]);
  const [typed, setTyped] = useState('');
  // One id per confirmation dialog: a double click or a retried request starts one operation.
  const operationId = useRef(newOperationId());
  const toast = useOperationToast();
  const onStarted = (started: BulkOperationView) => {
    // Its page starts from it as it started (a run that ends before the page asks is seen ending),
    // and its toast takes the place of the followed operation's: a revert spends that one's "Undo",
    // a retry carries on from it. The followed operation is not told of again.
    queryClient.setQueryData(trpc.bulk.get.queryKey({ id: started.id }), started);
    toldFinished.add(operation.id);
    toast(started, 'applied', { operationId: operation.id });
    void queryClient.invalidateQueries({ queryKey: trpc.bulk.list.pathKey() });
    void navigate(`/admin/operations/${started.id}`);
  };
  const revert = useMutation(trpc.bulk.revert.mutationOptions({ onSuccess: onStarted }));
  // What the revert would do, by the server's rule on the users as they are now.
  const revertPreview = useQuery(
    trpc.bulk.previewRevert.queryOptions({ id: operation.id }, { enabled: mode === 'revert', staleTime: 0 }),
  );
  const retry = useMutation(trpc.bulk.retry.mutationOptions({ onSuccess: onStarted }));
  const mutation = mode === 'retry' ? retry : revert;

  const retryable = canRetry(operation.kind) && operation.counts.failed > 0;
  if (!revertible && !retryable) return null;
  const count = mode === 'retry' ? operation.counts.failed : operation.counts.change;
  const preview = mode === 'revert' ? revertPreview.data : undefined;
  // Administrators coming back or going are confirmed by their number, as the preview counted them
  // by the same rule the revert's start applies; else (a retry, or users changed since the preview)
  // by the number of users, once the server has said it needs a confirmation.
  const moves = preview ? privilegedConfirmationCount(preview) : 0;
  const needsConfirmation = moves > 0 || errorCode(mutation.error) === 'confirmation_required';
  const expected = moves > 0 ? moves : count;
  const waitingForPreview = mode === 'revert' && !preview && !revertPreview.isError;
  const nothingToDo = preview !== undefined && preview.counts.change === 0;

  const open = (next: Mode) => {
    operationId.current = newOperationId();
    revert.reset();
    retry.reset();
    setTyped('');
    setMode(next);
  };
  const submit = () => {
    const input = {
      operationId: operationId.current,
      id: operation.id,
      confirmPrivileged: needsConfirmation ? true : undefined,
    };
    if (mode === 'retry') retry.mutate(input);
    else revert.mutate(input);
  };

  if (!mode) {
    return (
      <div className="flex flex-wrap gap-2">
        {revertible && (
          <Button
            variant="secondary"
            onClick={() => open('revert')}
            ref={(button) => {
              openers.current.revert = button;
            }}
          >
            {WORDS.revert.button}
          </Button>
        )}
        {retryable && (
          <Button
            variant="secondary"
            onClick={() => open('retry')}
            ref={(button) => {
              openers.current.retry = button;
            }}
          >
            {WORDS.retry.button}
          </Button>
        )}
      </div>
    );
  }
  const words = WORDS[mode];
  return (
    <section
      ref={question}
      tabIndex={-1}
      aria-label={words.title}
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
    >
      <h3 className="text-sm font-semibold text-slate-900">{words.title}</h3>
      <p className="text-sm text-slate-600">{words.body(count)}</p>
      {waitingForPreview && <Spinner label="Checking each user as they are now…" />}
      {preview && <RevertPreviewSummary preview={preview} />}
      <ErrorLine error={revertPreview.error} />
      {needsConfirmation && !nothingToDo && (
        <PrivilegedConfirmation
          count={moves > 0 && preview ? preview.becomeAdministrators : expected}
          lose={moves > 0 && preview ? preview.loseAdministratorRole : 0}
          value={typed}
          onChange={setTyped}
          of={moves > 0 ? undefined : `this ${mode}`}
        />
      )}
      {mutation.isError && !needsConfirmation && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(mutation.error)}
        </p>
      )}
      <div className="flex gap-2">
        <Button
          onClick={submit}
          disabled={
            mutation.isPending ||
            waitingForPreview ||
            nothingToDo ||
            (needsConfirmation && typed.trim().replaceAll(',', '') !== String(expected))
          }
        >
          {mutation.isPending ? 'Starting…' : words.confirm}
        </Button>
        <Button variant="ghost" onClick={() => setMode(null)}>
          Cancel
        </Button>
      </div>
    </section>
  );
}

/** The revert's preview in a sentence per group: who gets their access back, who stays as they are. */
function RevertPreviewSummary({ preview }: { preview: RevertPreview }) {
  const blocked = Object.entries(preview.reasons);
  return (
    <div className="rounded-md bg-slate-50 p-3 text-sm text-slate-700" data-testid="revert-preview">
      <p>
        <strong className="font-semibold text-emerald-700">{formatCount(preview.counts.change)}</strong>{' '}
        {preview.counts.change === 1 ? 'user gets' : 'users get'} back what they had.
      </p>
      {blocked.map(([reason, n]) => (
        <p key={reason}>
          <strong className="font-semibold text-rose-700">{formatCount(n)}</strong> left as they are:{' '}
          {reasonSentence(reason)}
        </p>
      ))}
    </div>
  );
}
