import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../components/Button';
import { ErrorBox } from '../components/ErrorBox';
import { Logo } from '../components/Logo';
import { PageTitle } from '../components/PageTitle';
import { TextField } from '../components/TextField';
import { useTRPC } from '../lib/trpc';
import { useMe } from '../lib/useMe';

/** Only same-app paths are followed after sign-in, never another site. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/admin/users';
}

export function SignInPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const me = useMe();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        await navigate(user.isAdmin ? safeNext(params.get('next')) : '/no-access', { replace: true });
      },
    }),
  );

  if (me.data) return <Navigate to={me.data.isAdmin ? safeNext(params.get('next')) : '/no-access'} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };

  return (
    <main className="flex min-h-full items-center justify-center bg-gradient-to-b from-slate-50 to-slate-100 p-4 sm:p-6">
      <PageTitle title="Sign in" />
      <div className="w-full max-w-sm">
        <div className="mb-6 flex justify-center sm:mb-8">
          <Logo />
        </div>
        <form
          onSubmit={submit}
          className="flex flex-col gap-5 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-8"
          aria-labelledby="sign-in-title"
        >
          <div>
            <h1 id="sign-in-title" className="text-xl font-semibold text-slate-900">
              Sign in
            </h1>
            <p className="mt-1 text-sm text-slate-500">Manage the users of your platform.</p>
          </div>
          <ErrorBox error={signIn.error} />
          <TextField
            label="E-mail"
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" disabled={signIn.isPending} className="mt-1 w-full py-2.5">
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </div>
    </main>
  );
}
