import { useSignOut } from '../lib/useSignOut';
import { Button } from './Button';

/** "Sign out" on the pages a signed-in person who is not an administrator lands on. */
export function SignOutButton() {
  const signOut = useSignOut();
  return (
    <Button
      variant="secondary"
      className="mt-6"
      onClick={() => signOut.mutate()}
      disabled={signOut.isPending}
    >
      Sign out
    </Button>
  );
}
