import { Navigate } from 'react-router';
import { Button } from '../components/Button';
import { FullPageMessage } from '../components/FullPageMessage';
import { useMe } from '../lib/useMe';
import { useSignOut } from '../lib/useSignOut';

/** Where an invitee lands after accepting: signed in, account active. */
export function WelcomePage() {
  const me = useMe();
  const signOut = useSignOut();
  if (me.data === null) return <Navigate to="/sign-in" replace />;
  if (!me.data) return null;
  return (
    <FullPageMessage title={`Welcome, ${me.data.firstName}`}>
      <p>
        Your account <strong className="font-medium text-slate-800">{me.data.email}</strong> is active and you
        are signed in ({me.data.roleName}).
      </p>
      <p className="mt-2">From now on, sign in with this e-mail address and the password you chose.</p>
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
