import { Navigate } from 'react-router';
import { Button } from '../components/Button';
import { FullPageMessage } from '../components/FullPageMessage';
import { useMe } from '../lib/useMe';
import { useSignOut } from '../lib/useSignOut';

/** For people who are signed in but are not administrators: no Admin module for them. */
export function NoAccessPage() {
  const me = useMe();
  const signOut = useSignOut();
  if (me.data === null) return <Navigate to="/sign-in" replace />;
  if (me.data?.isAdmin) return <Navigate to="/admin/users" replace />;
  return (
    <FullPageMessage title="You are signed in">
      <p>
        {me.data ? (
          <>
            Signed in as <strong className="font-medium text-slate-800">{me.data.email}</strong> (
            {me.data.roleName}).{' '}
          </>
        ) : null}
        The Admin module is only for administrators. Ask an administrator of your platform if you need access.
      </p>
      <Button
        variant="secondary"
        className="mt-6"
        onClick={() => signOut.mutate()}
        disabled={signOut.isPending}
      >
        Sign out
      </Button>
    </FullPageMessage>
  );
}
