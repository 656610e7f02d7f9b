import { Button } from './Button';

/** The part of an infinite query a "show more" button reads (TanStack Query's `useInfiniteQuery`). */
type PagedList = { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };

/**
 * "Show older operations": the next page of a list, shown only while there is one. `footer` puts it
 * in a bordered strip under a table; without it, the button stands on its own.
 */
export function LoadMoreButton({
  list,
  label,
  footer = true,
}: {
  list: PagedList;
  label: string;
  footer?: boolean;
}) {
  if (!list.hasNextPage) return null;
  const button = (
    <Button
      variant="ghost"
      className={footer ? '' : 'self-start'}
      disabled={list.isFetchingNextPage}
      onClick={() => void list.fetchNextPage()}
    >
      {list.isFetchingNextPage ? 'Loading…' : label}
    </Button>
  );
  return footer ? <div className="border-t border-slate-100 p-3 text-center">{button}</div> : button;
}
