import type { UsersFilter } from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import { Button } from '../components/Button';
import { plural } from '../lib/format';
import { useTRPC } from '../lib/trpc';

/**
 * Users came or went from the filter since the admin chose "all N matching": the preview no longer
 * says what Apply would do. One way on: see how many the filter matches now and preview again.
 */
export function SelectionChangedNotice({
  filter,
  onPreviewAgain,
}: {
  filter: UsersFilter;
  /** Selects all the users the filter matches now (this many) and previews again. */
  onPreviewAgain: (count: number) => void;
}) {
  const trpc = useTRPC();
  const counted = useQuery(trpc.users.count.queryOptions({ filter }, { staleTime: 0 }));
  const now = counted.isFetching ? undefined : counted.data?.total;
  return (
    <div
      role="alert"
      data-testid="selection-changed"
      className="flex flex-col items-start gap-3 rounded-lg border border-amber-300 bg-amber-50 p-4"
    >
      <p className="text-sm text-amber-900">
        Users were changed since you selected them.{' '}
        {now === undefined
          ? 'Counting the users this view matches now…'
          : `The view now matches ${plural(now, 'user')}.`}
      </p>
      <Button
        variant="secondary"
        disabled={now === undefined || now === 0}
        onClick={() => now !== undefined && onPreviewAgain(now)}
      >
        Preview again
      </Button>
    </div>
  );
}
