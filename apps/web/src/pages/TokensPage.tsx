import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertDialog } from 'radix-ui';
import { useRef, useState } from 'react';
import { Button } from '../components/Button';
import { ErrorLine } from '../components/ErrorLine';
import { PageHeader } from '../components/PageHeader';
import { Spinner } from '../components/Spinner';
import { TableHead } from '../components/TableHead';
import { errorMessage, useTRPC } from '../lib/trpc';
import { CreateTokenForm } from '../tokens/CreateTokenForm';
import { TokenCells } from '../tokens/TokenCells';

/** API tokens let internal tools act as this administrator (`Authorization: Bearer …`). */
export function TokensPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  // Revoking stops every tool that uses the token at once, and cannot be undone: it is asked first.
  const [toRevoke, setToRevoke] = useState<{ id: string; name: string } | null>(null);
  // The question is opened from a row's button: closing it gives focus back there.
  const revokeOpener = useRef<HTMLButtonElement | null>(null);
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        setToRevoke(null);
        await invalidate();
      },
    }),
  );

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens let internal tools and the roster command-line tool act on your behalf."
      />
      <div className="flex flex-col gap-6 p-4 md:p-6 xl:p-8">
        <CreateTokenForm
          scope="api"
          label="New token name"
          placeholder="e.g. HR sync"
          submitLabel="Create token"
          created={{
            title: (name) => `Token “${name}” created`,
            description: 'Copy it now: it is shown only this once and cannot be recovered.',
            testId: 'new-token',
          }}
          onCreated={invalidate}
          className="flex max-w-xl items-end gap-3 rounded-xl border border-slate-200 bg-white p-5"
        />

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
              <TableHead
                columns={[
                  'Name',
                  'Token',
                  'Created',
                  'Last used',
                  'Status',
                  { label: 'Actions', hidden: true },
                ]}
              />
              <tbody className="divide-y divide-slate-100">
                {tokens.data.map((token) => (
                  <tr key={token.id}>
                    <TokenCells token={token} />
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
                          onClick={(event) => {
                            revokeOpener.current = event.currentTarget;
                            setToRevoke({ id: token.id, name: token.name });
                          }}
                        >
                          Revoke<span className="sr-only"> {token.name}</span>
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

      <AlertDialog.Root
        open={toRevoke !== null}
        onOpenChange={(open) => {
          if (!open) {
            setToRevoke(null);
            revoke.reset();
          }
        }}
      >
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="fixed inset-0 bg-slate-900/40" />
          <AlertDialog.Content
            onCloseAutoFocus={(event) => {
              // Revoked, the button is gone: focus goes where Radix puts it.
              if (revokeOpener.current?.isConnected) {
                event.preventDefault();
                revokeOpener.current.focus();
              }
            }}
            className="fixed top-1/2 left-1/2 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-2xl bg-white p-6 shadow-xl"
          >
            <AlertDialog.Title className="text-lg font-semibold">
              Revoke the token “{toRevoke?.name}”?
            </AlertDialog.Title>
            <AlertDialog.Description className="mt-2 text-sm text-slate-600">
              Every tool or script that uses it stops working at once. This cannot be undone: to give a tool
              access again, create a new token.
            </AlertDialog.Description>
            <ErrorLine error={revoke.error} className="mt-3" />
            <div className="mt-6 flex justify-end gap-2">
              <AlertDialog.Cancel asChild>
                <Button variant="secondary">Cancel</Button>
              </AlertDialog.Cancel>
              <Button
                variant="danger"
                disabled={revoke.isPending}
                onClick={() => toRevoke && revoke.mutate({ id: toRevoke.id })}
              >
                {revoke.isPending ? 'Revoking…' : 'Revoke token'}
              </Button>
            </div>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
    </>
  );
}
