import { reasonSentence } from '@roster/domain';
import { useState } from 'react';
import { formatCount, plural } from '../lib/format';
import { ChangeDiff } from './ChangeDiff';
import type { Names } from './describeChange';
import { OUTCOME_STYLES, PREVIEW_LABELS } from './operationLabels';
import type { PreviewGroup } from './previewModel';

const FIRST_SHOWN = 10;
const MORE_STEP = 100;

/** One outcome-and-reason group of the preview, with the users behind it (and their diffs). */
export function PreviewGroupCard({
  group,
  names,
  sampled,
  changeSentence,
}: {
  group: PreviewGroup;
  names: Names;
  sampled: boolean;
  /** What happens to the users of the `change` group, e.g. "Will be invited by e-mail." */
  changeSentence: string;
}) {
  const [shown, setShown] = useState(FIRST_SHOWN);
  const [open, setOpen] = useState(group.outcome !== 'skip');
  const users = group.users.slice(0, shown);
  const hidden = group.count - users.length;
  const title = group.reason === null ? changeSentence : reasonSentence(group.reason);
  return (
    <section
      data-testid="preview-group"
      data-group={group.key}
      data-count={group.count}
      className="overflow-hidden rounded-lg border border-slate-200 bg-white"
    >
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center gap-3 px-4 py-3 text-left hover:bg-slate-50"
      >
        <span
          className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${OUTCOME_STYLES[group.outcome].badge}`}
        >
          {PREVIEW_LABELS[group.outcome]}
        </span>
        <span className="min-w-0 flex-1 text-sm text-slate-800">{title}</span>
        <span className="shrink-0 text-sm font-semibold tabular-nums text-slate-700">
          {plural(group.count, 'user')}
        </span>
        <span aria-hidden className={`text-slate-500 transition-transform ${open ? 'rotate-90' : ''}`}>
          ›
        </span>
      </button>
      {open && (
        <div className="border-t border-slate-100">
          <ul className="divide-y divide-slate-100">
            {users.map((user) => (
              <li key={user.userId} className="flex flex-col gap-1.5 px-4 py-2.5" data-user-id={user.userId}>
                <span className="truncate text-sm text-slate-700">{user.email}</span>
                {group.outcome === 'change' && (
                  <ChangeDiff before={user.before} after={user.after} names={names} />
                )}
              </li>
            ))}
          </ul>
          {hidden > 0 &&
            (sampled || users.length === group.users.length ? (
              <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500">
                and {plural(hidden, 'more user')}
                {sampled ? ' (the full list is in the results after Apply)' : ''}
              </p>
            ) : (
              <button
                type="button"
                onClick={() => setShown((n) => n + MORE_STEP)}
                className="w-full border-t border-slate-100 px-4 py-2 text-left text-xs font-medium text-brand-700 hover:bg-slate-50"
              >
                Show {formatCount(Math.min(hidden, MORE_STEP))} more of {formatCount(hidden)}
              </button>
            ))}
        </div>
      )}
    </section>
  );
}
