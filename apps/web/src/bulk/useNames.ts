import { changeNames } from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../lib/trpc';
import type { Names } from './describeChange';

/** Role and organisation-unit names for the ids a diff carries (both lists are small and cached). */
export function useNames(): Names {
  const trpc = useTRPC();
  const roles = useQuery(trpc.roles.list.queryOptions(undefined, { staleTime: 300_000 }));
  const catalog = useQuery(trpc.catalog.get.queryOptions(undefined, { staleTime: 300_000 }));
  return useMemo(
    () => changeNames(roles.data ?? [], catalog.data?.orgUnits ?? []),
    [roles.data, catalog.data],
  );
}
