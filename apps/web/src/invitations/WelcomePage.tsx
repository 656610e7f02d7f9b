import { Link, Navigate } from 'react-router';
import { FullPageMessage } from '../components/FullPageMessage';
import { SignOutButton } from '../components/SignOutButton';
import { useMe } from '../lib/useMe';
import { WhereToGoNext } from './WhereToGoNext';

/** Where an invitee lands after accepting: signed in, account active. */
export function WelcomePage() {
  const me = useMe();
  if (me.data === null) return <Navigate to="/sign-in" replace />;
  if (!me.data) return null;
  return (
    <FullPageMessage title={`Welcome, ${me.data.firstName}`}>
      <p>
        Your account <strong className="font-medium text-slate-800">{me.data.email}</strong> is active and you
        are signed in ({me.data.roleName}).
      </p>
      <p className="mt-2">From now on, sign in with this e-mail address and the password you chose.</p>
      {me.data.isAdmin ? (
        <Link
          to="/admin/users"
          className="mt-6 inline-flex w-full items-center justify-center rounded-lg bg-brand-600 px-3.5 py-2.5 text-sm font-medium text-white hover:bg-brand-700"
        >
          Go to Admin › Users
        </Link>
      ) : (
        <WhereToGoNext roleName={me.data.roleName} />
      )}
      <SignOutButton />
    </FullPageMessage>
  );
}
