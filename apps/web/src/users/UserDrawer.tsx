import { useQuery } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { Spinner } from '../components/Spinner';
import { formatDate, formatDateTime } from '../lib/format';
import { errorMessage, useTRPC } from '../lib/trpc';
import { useReturnFocus } from '../lib/useReturnFocus';
import { moduleLabel } from './ModuleAccessSummary';
import { StatusBadge } from './StatusBadge';
import { rightLabel } from './UsersToolbar';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="border-t border-slate-100 px-6 py-4">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      {children}
    </section>
  );
}

const ACTIONS: Record<string, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Failed sign-in',
  'auth.sign_out': 'Signed out',
  'auth.token_used': 'Used an API token',
  'auth.token_created': 'Created an API token',
  'auth.token_revoked': 'Revoked an API token',
  'user.bootstrap_admin_created': 'Created as bootstrap administrator',
};

/** The detail drawer of one user: profile, access, scope, rights, invitation and recent history. */
export function UserDrawer({
  userId,
  onClose,
  now,
}: {
  userId: string | null;
  onClose: () => void;
  now: Date;
}) {
  const trpc = useTRPC();
  const user = useQuery(trpc.users.get.queryOptions({ id: userId ?? '' }, { enabled: userId !== null }));
  // Closed, the drawer gives focus back to the row that opened it.
  const returnFocus = useReturnFocus(userId !== null);
  return (
    <Dialog.Root open={userId !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-30 bg-slate-900/20" />
        <Dialog.Content
          onCloseAutoFocus={returnFocus}
          className="fixed top-0 right-0 z-40 flex h-full w-full max-w-md flex-col overflow-y-auto bg-white shadow-2xl focus:outline-none"
        >
          {user.isPending ? (
            <div className="p-8">
              <Dialog.Title className="sr-only">User</Dialog.Title>
              <Spinner label="Loading user…" />
            </div>
          ) : user.isError ? (
            <div className="p-8">
              <Dialog.Title className="font-semibold">User</Dialog.Title>
              <p className="mt-2 text-sm text-red-600">{errorMessage(user.error)}</p>
            </div>
          ) : (
            <>
              <div className="flex items-start justify-between gap-4 px-6 py-5">
                <div className="min-w-0">
                  <Dialog.Title className="truncate text-lg font-semibold text-slate-900">
                    {`${user.data.firstName} ${user.data.lastName}`.trim() || user.data.email}
                  </Dialog.Title>
                  <Dialog.Description className="truncate text-sm text-slate-500">
                    {user.data.email}
                  </Dialog.Description>
                  <div className="mt-3 flex items-center gap-3">
                    <StatusBadge
                      status={user.data.status}
                      invitation={user.data.invitation?.status === 'pending' ? user.data.invitation : null}
                      now={now}
                    />
                    <span className="text-sm text-slate-600">{user.data.roleName}</span>
                  </div>
                </div>
                <Dialog.Close
                  className="rounded-md p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
                  aria-label="Close"
                >
                  ✕
                </Dialog.Close>
              </div>
              <Section title="Details">
                <dl className="grid grid-cols-2 gap-y-1.5 text-sm">
                  <dt className="text-slate-500">Created</dt>
                  <dd>{formatDate(user.data.createdAt)}</dd>
                  <dt className="text-slate-500">Last sign-in</dt>
                  <dd>{formatDateTime(user.data.lastLoginAt)}</dd>
                  <dt className="text-slate-500">Functional memberships</dt>
                  <dd>
                    {Object.entries(user.data.functionalMemberships)
                      .map(([kind, n]) => `${n} ${kind.replace('_', '-')}${n === 1 ? '' : 's'}`)
                      .join(', ') || 'None'}
                  </dd>
                </dl>
              </Section>
              <Section title="Module access">
                {user.data.moduleAccess.length === 0 ? (
                  <p className="text-sm text-slate-500">No module access.</p>
                ) : (
                  <ul className="grid grid-cols-2 gap-1.5 text-sm">
                    {user.data.moduleAccess.map((a) => (
                      <li
                        key={a.module}
                        className="flex justify-between rounded-md bg-slate-50 px-2.5 py-1.5"
                      >
                        <span>{moduleLabel(a.module)}</span>
                        <span
                          className={a.level === 'edit' ? 'font-medium text-brand-700' : 'text-slate-500'}
                        >
                          {a.level}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
              <Section title="Scope">
                {user.data.scope.length === 0 ? (
                  <p className="text-sm text-slate-500">No organisation units.</p>
                ) : (
                  <ul className="flex flex-wrap gap-1.5">
                    {user.data.scope.map((unit) => (
                      <li
                        key={unit.id}
                        className="rounded-full bg-slate-100 px-2.5 py-1 text-xs text-slate-700"
                      >
                        {unit.name}
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
              <Section title="Cross-functional rights">
                {user.data.rights.length === 0 ? (
                  <p className="text-sm text-slate-500">None.</p>
                ) : (
                  <ul className="flex flex-wrap gap-1.5">
                    {user.data.rights.map((right) => (
                      <li key={right} className="rounded-full bg-amber-50 px-2.5 py-1 text-xs text-amber-800">
                        {rightLabel(right)}
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
              <Section title="Invitation">
                {user.data.invitation ? (
                  <p className="text-sm text-slate-700">
                    {user.data.invitation.status === 'pending'
                      ? `Sent ${user.data.invitation.sentCount} time${user.data.invitation.sentCount === 1 ? '' : 's'}, last on ${formatDateTime(user.data.invitation.lastSentAt)}; expires ${formatDateTime(user.data.invitation.expiresAt)}.`
                      : `Last invitation ${user.data.invitation.status} (sent ${formatDateTime(user.data.invitation.lastSentAt)}).`}
                  </p>
                ) : (
                  <p className="text-sm text-slate-500">Never invited.</p>
                )}
              </Section>
              <Section title="Recent activity">
                {user.data.recentEvents.length === 0 ? (
                  <p className="text-sm text-slate-500">No recorded activity.</p>
                ) : (
                  <ol className="flex flex-col gap-2 text-sm">
                    {user.data.recentEvents.map((event) => (
                      <li key={event.id} className="flex justify-between gap-4">
                        <span className="text-slate-700">{ACTIONS[event.action] ?? event.action}</span>
                        <span className="shrink-0 text-slate-500">{formatDateTime(event.at)}</span>
                      </li>
                    ))}
                  </ol>
                )}
              </Section>
            </>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
