import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { operationReference } from './operationLabels';

/** A link to the operation a revert reverts (or a retry retries), named by its kind, time and actor. */
export function FollowedOperationLink({ id }: { id: string }) {
  const trpc = useTRPC();
  const source = useQuery(trpc.bulk.get.queryOptions({ id }, { staleTime: 300_000, retry: false }));
  return (
    <Link
      to={`/admin/operations/${id}`}
      data-testid="followed-operation"
      // Inside a row of Operations, whose own click opens that row's operation.
      onClick={(e) => e.stopPropagation()}
      className="font-medium text-brand-700 hover:underline"
    >
      {operationReference(id, source.data)}
    </Link>
  );
}
