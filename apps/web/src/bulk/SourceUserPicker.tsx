import type { UserRow } from '../users/UsersTable';
import { userName } from '../users/userName';
import { userOption, useUserSearch } from '../users/useUserSearch';
import { SearchSelect } from './SearchSelect';

/** The user whose access and authorizations are copied: searched by name or e-mail on the server. */
export function SourceUserPicker({
  source,
  onChange,
  label = 'Copy from',
}: {
  source: UserRow | null;
  onChange: (user: UserRow) => void;
  /** The field's label: the operation's words by default. */
  label?: string;
}) {
  const { query, setQuery, users, loading } = useUserSearch();
  return (
    <SearchSelect
      label={label}
      placeholder="Choose the user to copy from…"
      searchLabel="Search users by name or e-mail"
      value={source ? { id: source.id, label: userName(source), detail: source.email } : null}
      query={query}
      onQueryChange={setQuery}
      options={users.map(userOption)}
      loading={loading}
      emptyText="No user matches this search."
      onSelect={(id) => {
        const user = users.find((u) => u.id === id);
        if (user) onChange(user);
      }}
    />
  );
}
