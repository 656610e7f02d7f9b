import { errorMessage } from '../lib/errorMessage';

/** A failed call said in one red line (nothing when there is no error), announced as it appears. */
export function ErrorLine({ error, className = '' }: { error: unknown; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={`text-sm text-red-700 ${className}`}>
      {errorMessage(error)}
    </p>
  );
}
