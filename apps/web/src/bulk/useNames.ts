import { changeNames } from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../lib/trpc';
import type { Names } from './describeChange';

/** What a name reads as while the lists are on their way: not "Unknown role", which is false. */
const LOADING: Names = { role: () => '…', orgUnit: () => '…' };

/** Role and organisation-unit names for the ids a diff carries (both lists are small and cached). */
export function useNames(): Names {
  const trpc = useTRPC();
  const roles = useQuery(trpc.roles.list.queryOptions(undefined, { staleTime: 300_000 }));
  const catalog = useQuery(trpc.catalog.get.queryOptions(undefined, { staleTime: 300_000 }));
  return useMemo(
    () => (roles.data && catalog.data ? changeNames(roles.data, catalog.data.orgUnits) : LOADING),
    [roles.data, catalog.data],
  );
}
