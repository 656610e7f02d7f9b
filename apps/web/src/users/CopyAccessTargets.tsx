import { useState } from 'react';
import { SearchSelect } from '../bulk/SearchSelect';
import { Button } from '../components/Button';
import type { UserRow } from './UsersTable';
import { userName } from './userName';
import { userOption, useUserSearch } from './useUserSearch';

/**
 * "Copy access to…" of one user's drawer: the users who get this user's access, picked one by one
 * (searched by name or e-mail), then previewed as a Copy access operation on them.
 */
export function CopyAccessTargets({
  sourceId,
  sourceName,
  ready,
  onPreview,
  onCancel,
}: {
  sourceId: string;
  sourceName: string;
  /** The source user's access is loaded: the preview can be asked for. */
  ready: boolean;
  onPreview: (targets: UserRow[]) => void;
  onCancel: () => void;
}) {
  const search = useUserSearch();
  const { query, setQuery } = search;
  const [targets, setTargets] = useState<UserRow[]>([]);
  const chosen = new Set(targets.map((t) => t.id));
  const users = search.users.filter((u) => u.id !== sourceId && !chosen.has(u.id));
  return (
    <section
      aria-label={`Copy ${sourceName}’s access to`}
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-slate-50 p-3"
    >
      <SearchSelect
        label={`Copy ${sourceName}’s access to`}
        placeholder="Add a user…"
        searchLabel="Search users by name or e-mail"
        value={null}
        query={query}
        onQueryChange={setQuery}
        options={users.map(userOption)}
        loading={search.loading}
        emptyText="No other user matches this search."
        onSelect={(id) => {
          const user = users.find((u) => u.id === id);
          if (user) setTargets((list) => [...list, user]);
          setQuery('');
        }}
      />
      {targets.length > 0 && (
        <ul aria-label="Users to copy to" className="flex flex-wrap gap-1.5">
          {targets.map((user) => (
            <li
              key={user.id}
              className="flex items-center gap-1 rounded-full bg-white py-0.5 pr-1 pl-2.5 text-xs text-slate-700 ring-1 ring-slate-200"
            >
              {userName(user)}
              <button
                type="button"
                aria-label={`Remove ${userName(user)}`}
                onClick={() => setTargets((list) => list.filter((t) => t.id !== user.id))}
                className="rounded-full px-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button disabled={targets.length === 0 || !ready} onClick={() => onPreview(targets)}>
          {targets.length === 0
            ? 'Preview'
            : `Preview for ${targets.length} ${targets.length === 1 ? 'user' : 'users'}`}
        </Button>
      </div>
    </section>
  );
}
