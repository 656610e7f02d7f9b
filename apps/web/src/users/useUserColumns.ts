import { useCallback, useEffect, useState } from 'react';
import { useMe } from '../lib/useMe';
import { type OptionalUserColumn, readUserColumns, writeUserColumns } from './userColumns';

/** The optional columns this administrator chose, remembered in local storage across reloads. */
export function useUserColumns(): [OptionalUserColumn[], (columns: OptionalUserColumn[]) => void] {
  const adminId = useMe().data?.id;
  const [columns, setColumns] = useState<OptionalUserColumn[]>(() =>
    adminId ? readUserColumns(localStorage, adminId) : [],
  );
  useEffect(() => {
    if (adminId) setColumns(readUserColumns(localStorage, adminId));
  }, [adminId]);
  const choose = useCallback(
    (next: OptionalUserColumn[]) => {
      setColumns(next);
      if (adminId) writeUserColumns(localStorage, adminId, next);
    },
    [adminId],
  );
  return [columns, choose];
}
