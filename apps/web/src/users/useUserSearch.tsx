import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { SearchOption } from '../bulk/SearchSelect';
import { useTRPC } from '../lib/trpc';
import { useDebounced } from '../lib/useDebounced';
import { statusLabel } from './StatusBadge';
import type { UserRow } from './UsersTable';
import { userName } from './userName';

/** A user as a picker lists them: name, e-mail and role, status aside. */
export function userOption(user: UserRow): SearchOption {
  return {
    id: user.id,
    label: userName(user),
    detail: `${user.email} · ${user.roleName}`,
    aside: <span className="text-xs text-slate-500">{statusLabel(user.status)}</span>,
  };
}

/** The users a picker's search finds by name or e-mail, asked of the server once typing pauses. */
export function useUserSearch() {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const search = useDebounced(query.trim(), 250);
  const found = useQuery(
    trpc.users.list.queryOptions(
      { filter: search ? { search } : {}, limit: 10 },
      { placeholderData: keepPreviousData },
    ),
  );
  return { query, setQuery, users: found.data?.items ?? [], loading: found.isFetching };
}
