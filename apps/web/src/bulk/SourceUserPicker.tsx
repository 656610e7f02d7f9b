import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../lib/trpc';
import { statusLabel } from '../users/StatusBadge';
import type { UserRow } from '../users/UsersTable';
import { SearchSelect } from './SearchSelect';

const displayName = (user: UserRow) => `${user.firstName} ${user.lastName}`.trim() || user.email;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The user whose access and authorizations are copied: searched by name or e-mail on the server. */
export function SourceUserPicker({
  source,
  onChange,
}: {
  source: UserRow | null;
  onChange: (user: UserRow) => void;
}) {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const search = useDebounced(query.trim(), 250);
  const found = useQuery(
    trpc.users.list.queryOptions(
      { filter: search ? { search } : {}, limit: 10 },
      { placeholderData: keepPreviousData },
    ),
  );
  const users = found.data?.items ?? [];
  return (
    <SearchSelect
      label="Copy from"
      placeholder="Choose the user to copy from…"
      searchLabel="Search users by name or e-mail"
      value={source ? { id: source.id, label: displayName(source), detail: source.email } : null}
      query={query}
      onQueryChange={setQuery}
      options={users.map((user) => ({
        id: user.id,
        label: displayName(user),
        detail: `${user.email} · ${user.roleName}`,
        aside: <span className="text-xs text-slate-500">{statusLabel(user.status)}</span>,
      }))}
      loading={found.isFetching}
      emptyText="No user matches this search."
      onSelect={(id) => {
        const user = users.find((u) => u.id === id);
        if (user) onChange(user);
      }}
    />
  );
}
