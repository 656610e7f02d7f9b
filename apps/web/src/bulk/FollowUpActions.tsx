import { canRetry, canRevert } from '@roster/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../components/Button';
import { formatCount } from '../lib/format';
import { errorCode, errorMessage, useTRPC } from '../lib/trpc';
import { newOperationId } from './newOperationId';
import { PrivilegedConfirmation } from './PrivilegedConfirmation';
import type { BulkOperationView } from './types';

type Mode = 'revert' | 'retry';

const WORDS: Record<Mode, { button: string; title: string; body: (n: number) => string; confirm: string }> = {
  revert: {
    button: 'Revert…',
    title: 'Revert this operation',
    body: (n) =>
      `The ${formatCount(n)} ${n === 1 ? 'user it changed gets' : 'users it changed get'} back what they had before, as a new operation with its own results. Users changed again since are left as they are.`,
    confirm: 'Revert',
  },
  retry: {
    button: 'Retry failed users…',
    title: 'Retry the failed users',
    body: (n) =>
      `The ${formatCount(n)} ${n === 1 ? 'user' : 'users'} that failed on an unexpected error go through the same operation again, as a new operation with its own results.`,
    confirm: 'Retry',
  },
};

/**
 * What can follow a finished operation: its revert (when it changed someone and its kind can be
 * taken back) and the retry of its failed users. Each asks first; when the server says the follow-up
 * would make administrators, the admin types the number of users to confirm, as for Assign role.
 */
export function FollowUpActions({ operation }: { operation: BulkOperationView }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode | null>(null);
  const [typed, setTyped] = useState('');
  // One id per confirmation dialog: a double click or a retried request starts one operation.
  const operationId = useRef(newOperationId());
  const onStarted = (started: { id: string }) => {
    void queryClient.invalidateQueries({ queryKey: trpc.bulk.list.pathKey() });
    void navigate(`/admin/operations/${started.id}`);
  };
  const revert = useMutation(trpc.bulk.revert.mutationOptions({ onSuccess: onStarted }));
  const retry = useMutation(trpc.bulk.retry.mutationOptions({ onSuccess: onStarted }));
  const mutation = mode === 'retry' ? retry : revert;

  const revertible = canRevert(operation.kind) && operation.counts.change > 0;
  const retryable = canRetry(operation.kind) && operation.counts.failed > 0;
  if (!revertible && !retryable) return null;
  const count = mode === 'retry' ? operation.counts.failed : operation.counts.change;
  const needsConfirmation = errorCode(mutation.error) === 'confirmation_required';

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
          <Button variant="secondary" onClick={() => open('revert')}>
            {WORDS.revert.button}
          </Button>
        )}
        {retryable && (
          <Button variant="secondary" onClick={() => open('retry')}>
            {WORDS.retry.button}
          </Button>
        )}
      </div>
    );
  }
  const words = WORDS[mode];
  return (
    <section
      aria-label={words.title}
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
    >
      <h3 className="text-sm font-semibold text-slate-900">{words.title}</h3>
      <p className="text-sm text-slate-600">{words.body(count)}</p>
      {needsConfirmation && (
        <PrivilegedConfirmation count={count} value={typed} onChange={setTyped} of={`this ${mode}`} />
      )}
      {mutation.isError && !needsConfirmation && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(mutation.error)}
        </p>
      )}
      <div className="flex gap-2">
        <Button
          onClick={submit}
          disabled={mutation.isPending || (needsConfirmation && typed.trim() !== String(count))}
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
