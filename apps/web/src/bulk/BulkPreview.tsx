import { Button } from '../components/Button';
import { Spinner } from '../components/Spinner';
import { formatCount } from '../lib/format';
import { errorMessage } from '../lib/trpc';
import type { Names } from './describeChange';
import { OutcomeCounts } from './OutcomeCounts';
import { PREVIEW_LABELS } from './operationLabels';
import { PreviewGroupCard } from './PreviewGroupCard';
import type { BulkPreviewState } from './useBulkPreview';

/**
 * What the operation would do, before anything happens: counts per outcome, then each group of
 * users with the reason in words and, for changes, each user's before → after.
 */
export function BulkPreview({
  state,
  names,
  changeSentence,
}: {
  state: BulkPreviewState;
  names: Names;
  changeSentence: string;
}) {
  const { preview } = state;
  if (state.error) {
    return (
      <div
        role="alert"
        className="flex flex-col items-start gap-3 rounded-lg border border-red-200 bg-red-50 p-4"
      >
        <p className="text-sm text-red-800">{errorMessage(state.error)}</p>
        <Button variant="secondary" onClick={state.retry}>
          Preview again
        </Button>
      </div>
    );
  }
  if (!preview) {
    return (
      <div className="rounded-lg border border-slate-200 bg-white p-8">
        <Spinner label="Working out what would change…" />
      </div>
    );
  }
  return (
    <div
      data-testid="bulk-preview"
      data-decided-by={preview.decidedBy}
      data-took-ms={state.tookMs?.toFixed(2)}
      className="flex flex-col gap-3"
    >
      <OutcomeCounts counts={preview.counts} labels={PREVIEW_LABELS} />
      {preview.roleChanges.length > 0 && (
        <ul
          aria-label="Role changes"
          data-testid="role-changes"
          className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700"
        >
          {preview.roleChanges.map((c) => (
            <li key={`${c.fromRoleId}>${c.toRoleId}`} data-count={c.count}>
              {names.role(c.fromRoleId)} → {names.role(c.toRoleId)}:{' '}
              <strong className="font-semibold tabular-nums">{formatCount(c.count)}</strong>{' '}
              {c.count === 1 ? 'user' : 'users'}
            </li>
          ))}
        </ul>
      )}
      <p className="text-xs text-slate-500">
        {preview.decidedBy === 'browser'
          ? 'Decided now from the users as loaded. The server checks every user again when you apply.'
          : 'Decided by the server on the users’ current state, with a sample of each group. It checks again when you apply.'}
      </p>
      <div className="flex flex-col gap-2">
        {preview.groups.map((group) => (
          <PreviewGroupCard
            key={group.key}
            group={group}
            names={names}
            sampled={preview.decidedBy === 'server'}
            changeSentence={changeSentence}
          />
        ))}
      </div>
    </div>
  );
}
