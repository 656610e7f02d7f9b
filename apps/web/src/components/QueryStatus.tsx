import { errorMessage } from '../lib/errorMessage';
import { Spinner } from './Spinner';

/** What a list's panel shows until its query has data: a spinner while it loads, then why it failed. */
export function QueryStatus({
  query,
  loading,
  errorClassName = 'p-8',
}: {
  query: { isPending: boolean; error: unknown };
  /** The spinner's words: "Loading e-mails…". */
  loading: string;
  /** The failure's padding and alignment. */
  errorClassName?: string;
}) {
  if (query.isPending) {
    return (
      <div className="p-8">
        <Spinner label={loading} />
      </div>
    );
  }
  return (
    <p role="alert" className={`${errorClassName} text-sm text-red-700`}>
      {errorMessage(query.error)}
    </p>
  );
}
