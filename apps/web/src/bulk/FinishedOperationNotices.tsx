import { FINISHED_POLL_MS } from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { useTRPCClient } from '../lib/trpc';
import { toldFinished, useOperationToast } from './useOperationToast';

/**
 * Wherever the administrator is in the app, tells them when an operation they started finishes
 * (issue 19 item 11): `bulk.finishedSince` every FINISHED_POLL_MS while the tab is shown (which also
 * tells the server they are here: away, they are e-mailed instead). An operation they are looking
 * at, or were already told about, is not told again.
 */
export function FinishedOperationNotices() {
  const client = useTRPCClient();
  const toast = useOperationToast();
  const location = useLocation();
  const since = useRef<string | undefined>(undefined);
  const finished = useQuery({
    queryKey: ['bulk.finishedSince'],
    queryFn: async () => {
      const answer = await client.bulk.finishedSince.query(since.current ? { since: since.current } : {});
      since.current = answer.until;
      return answer.items;
    },
    refetchInterval: FINISHED_POLL_MS,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const watched = useRef(location);
  watched.current = location;
  useEffect(() => {
    for (const op of finished.data ?? []) {
      if (toldFinished.has(op.id)) continue;
      const { pathname, search } = watched.current;
      const onIt =
        pathname === `/admin/operations/${op.id}` || new URLSearchParams(search).get('operation') === op.id;
      if (onIt) toldFinished.add(op.id);
      else toast(op, 'finished');
    }
  }, [finished.data, toast]);
  return null;
}
