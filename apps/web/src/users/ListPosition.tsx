import { USER_SORTS_BY_TEXT, type UserSort, type UsersListStart } from '@roster/domain';
import { type FormEvent, useId, useState } from 'react';
import { formatCount } from '../lib/format';

/** Where the administrator asks the list to go: its start, its end, or a prefix of the sort key. */
export type ListJump = UsersListStart | 'start';

const KEY_NAMES: Record<(typeof USER_SORTS_BY_TEXT)[number], string> = {
  name: 'last name',
  email: 'e-mail',
};

const buttonClass =
  'inline-flex h-8 items-center rounded-md border border-slate-300 bg-white px-2.5 text-xs font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600';

/**
 * Under the users table: which rows of the whole result are in view ("Rows 1,201–1,250 of 34,881"),
 * and the ways to get anywhere in it without loading every page on the way — its start, its end, and
 * (sorted by name or e-mail) the first row at a letter or prefix.
 */
export function ListPosition({
  first,
  last,
  total,
  sort,
  loadingAbove,
  onJump,
}: {
  /** Positions (from 1) of the first and last rows in view; null while unknown. */
  first: number | null;
  last: number | null;
  total: number | undefined;
  sort: UserSort;
  loadingAbove: boolean;
  onJump: (jump: ListJump) => void;
}) {
  const inputId = useId();
  const [prefix, setPrefix] = useState('');
  const textKey = USER_SORTS_BY_TEXT.find((field) => field === sort.field);
  const jumpToPrefix = (event: FormEvent) => {
    event.preventDefault();
    const typed = prefix.trim();
    if (typed) onJump({ prefix: typed });
  };
  return (
    <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 text-xs text-slate-600">
      <p data-testid="users-position" className="tabular-nums">
        {first === null || last === null
          ? total === undefined
            ? 'Counting…'
            : `${formatCount(total)} users`
          : `Rows ${formatCount(first)}–${formatCount(last)} of ${total === undefined ? '…' : formatCount(total)}`}
        {loadingAbove && <span className="ml-2 text-slate-500">Loading earlier users…</span>}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        {textKey && (
          <form onSubmit={jumpToPrefix} className="flex items-center gap-1.5">
            <label htmlFor={inputId} className="text-xs text-slate-600">
              Jump to {KEY_NAMES[textKey]}
            </label>
            <input
              id={inputId}
              value={prefix}
              onChange={(e) => setPrefix(e.target.value)}
              placeholder={textKey === 'email' ? 'e.g. m' : 'e.g. M'}
              maxLength={100}
              autoComplete="off"
              className="h-8 w-28 rounded-md border border-slate-300 bg-white px-2 text-xs text-slate-900 placeholder:text-slate-500 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
            />
            <button type="submit" className={buttonClass} disabled={!prefix.trim()}>
              Go
            </button>
          </form>
        )}
        <button type="button" className={buttonClass} onClick={() => onJump('start')}>
          First row
        </button>
        <button type="button" className={buttonClass} onClick={() => onJump('end')}>
          Last row
        </button>
      </div>
    </div>
  );
}
