import type { ReactNode } from 'react';
import { errorMessage } from '../lib/errorMessage';

/**
 * A refusal or failure said in a red box, announced to screen readers as it appears: a failed
 * call's `error` (nothing when there is none, as ErrorLine), or the sentence given as children.
 */
export function ErrorBox(props: { error: unknown } | { children: ReactNode }) {
  if ('error' in props && !props.error) return null;
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      {'error' in props ? errorMessage(props.error) : props.children}
    </div>
  );
}
