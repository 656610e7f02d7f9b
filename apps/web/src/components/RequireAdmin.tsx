import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useMe } from '../lib/useMe';
import { FullPageMessage } from './FullPageMessage';
import { Spinner } from './Spinner';

/** The Admin module is for administrators only; others are sent to sign in or told why not. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <FullPageMessage>
        <Spinner label="Loading Roster…" />
      </FullPageMessage>
    );
  }
  if (me.isError) {
    return (
      <FullPageMessage title="Roster is unreachable">
        Check your connection and reload the page.
      </FullPageMessage>
    );
  }
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  if (!me.data.isAdmin) return <Navigate to="/no-access" replace />;
  return children;
}
