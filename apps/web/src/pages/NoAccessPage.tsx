import { Navigate } from 'react-router';
import { FullPageMessage } from '../components/FullPageMessage';
import { SignOutButton } from '../components/SignOutButton';
import { WhereToGoNext } from '../invitations/WhereToGoNext';
import { useMe } from '../lib/useMe';

/** For people who are signed in but are not administrators: no Admin module for them. */
export function NoAccessPage() {
  const me = useMe();
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
        The Admin module is only for administrators.
      </p>
      {me.data && <WhereToGoNext roleName={me.data.roleName} />}
      <SignOutButton />
    </FullPageMessage>
  );
}
