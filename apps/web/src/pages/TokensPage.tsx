import { apiTokenCreateSchema } from '@roster/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { type FormEvent, useState } from 'react';
import { Button } from '../components/Button';
import { PageHeader } from '../components/PageHeader';
import { Spinner } from '../components/Spinner';
import { TextField } from '../components/TextField';
import { formatDateTime } from '../lib/format';
import { errorMessage, useTRPC } from '../lib/trpc';

/** API tokens let internal tools act as this administrator (`Authorization: Bearer …`). */
export function TokensPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: async (token) => {
        setCreated({ name: token.name, token: token.token });
        setName('');
        await invalidate();
      },
    }),
  );
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: invalidate }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = apiTokenCreateSchema.safeParse({ name });
    if (!parsed.success) {
      setNameError(parsed.error.issues[0]?.message);
      return;
    }
    setNameError(undefined);
    create.mutate(parsed.data);
  };

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens let internal tools and the roster command-line tool act on your behalf."
      />
      <div className="flex flex-col gap-6 p-8">
        <form
          onSubmit={submit}
          className="flex max-w-xl items-end gap-3 rounded-xl border border-slate-200 bg-white p-5"
        >
          <div className="flex-1">
            <TextField
              label="New token name"
              placeholder="e.g. HR sync"
              value={name}
              error={nameError ?? (create.isError ? errorMessage(create.error) : undefined)}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <Button type="submit" disabled={create.isPending}>
            Create token
          </Button>
        </form>

        <section className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          {tokens.isPending ? (
            <div className="p-8">
              <Spinner label="Loading tokens…" />
            </div>
          ) : tokens.isError ? (
            <p className="p-8 text-sm text-red-600">{errorMessage(tokens.error)}</p>
          ) : tokens.data.length === 0 ? (
            <p className="p-8 text-center text-sm text-slate-500">No API tokens yet.</p>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs font-medium uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-5 py-3">Name</th>
                  <th className="px-5 py-3">Token</th>
                  <th className="px-5 py-3">Created</th>
                  <th className="px-5 py-3">Last used</th>
                  <th className="px-5 py-3">Status</th>
                  <th className="px-5 py-3" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.data.map((token) => (
                  <tr key={token.id}>
                    <td className="px-5 py-3 font-medium text-slate-800">{token.name}</td>
                    <td className="px-5 py-3 font-mono text-xs text-slate-500">{token.prefix}…</td>
                    <td className="px-5 py-3 text-slate-600">{formatDateTime(token.createdAt)}</td>
                    <td className="px-5 py-3 text-slate-600">{formatDateTime(token.lastUsedAt)}</td>
                    <td className="px-5 py-3">
                      {token.revokedAt ? (
                        <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">
                          Revoked
                        </span>
                      ) : (
                        <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs text-emerald-700">
                          Active
                        </span>
                      )}
                    </td>
                    <td className="px-5 py-3 text-right">
                      {!token.revokedAt && (
                        <Button
                          variant="ghost"
                          className="text-red-600 hover:text-red-700"
                          onClick={() => revoke.mutate({ id: token.id })}
                          disabled={revoke.isPending}
                          aria-label={`Revoke ${token.name}`}
                        >
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <Dialog.Root open={created !== null} onOpenChange={(open) => !open && setCreated(null)}>
        <Dialog.Portal>
          <Dialog.Overlay className="fixed inset-0 bg-slate-900/40" />
          <Dialog.Content className="fixed top-1/2 left-1/2 w-full max-w-lg -translate-x-1/2 -translate-y-1/2 rounded-2xl bg-white p-6 shadow-xl">
            <Dialog.Title className="text-lg font-semibold">Token “{created?.name}” created</Dialog.Title>
            <Dialog.Description className="mt-1 text-sm text-slate-500">
              Copy it now: it is shown only this once and cannot be recovered.
            </Dialog.Description>
            <code
              data-testid="new-token"
              className="mt-4 block break-all rounded-lg bg-slate-100 p-3 font-mono text-sm text-slate-800"
            >
              {created?.token}
            </code>
            <div className="mt-5 flex justify-end gap-2">
              <Button
                variant="secondary"
                onClick={() => created && void navigator.clipboard?.writeText(created.token)}
              >
                Copy
              </Button>
              <Dialog.Close asChild>
                <Button>Done</Button>
              </Dialog.Close>
            </div>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </>
  );
}
