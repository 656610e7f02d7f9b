import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc';

/** Who is signed in: `data` is null when nobody is. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
}
