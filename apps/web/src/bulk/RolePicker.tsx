import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '../lib/trpc';
import { SearchSelect } from './SearchSelect';

/** "Role to assign": every role of the tenant, searchable by name. */
export function RolePicker({
  roleId,
  onChange,
  label = 'Role to assign',
}: {
  roleId: string | null;
  onChange: (roleId: string) => void;
  /** The field's label: the operation's words by default. */
  label?: string;
}) {
  const trpc = useTRPC();
  const roles = useQuery(trpc.roles.list.queryOptions(undefined, { staleTime: 300_000 }));
  const [query, setQuery] = useState('');
  const options = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return (roles.data ?? [])
      .filter((role) => role.name.toLowerCase().includes(needle))
      .map((role) => ({
        id: role.id,
        label: role.name,
        detail: role.isAdmin ? 'Grants the Admin module' : role.builtIn ? 'Built-in role' : 'Custom role',
        aside: role.isAdmin ? (
          <span className="rounded-full bg-amber-50 px-2 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-amber-200 ring-inset">
            Privileged
          </span>
        ) : undefined,
      }));
  }, [roles.data, query]);
  const selected = roles.data?.find((r) => r.id === roleId);
  return (
    <SearchSelect
      label={label}
      placeholder="Choose a role…"
      searchLabel="Search roles"
      value={selected ? { id: selected.id, label: selected.name } : null}
      query={query}
      onQueryChange={setQuery}
      options={options}
      loading={roles.isPending}
      emptyText="No role has this name."
      onSelect={onChange}
    />
  );
}
