import type { RouterOutputs } from '@roster/api';
import { describeAuditEvent, OPERATIONS, type OperationKind, operationKindsForStatus } from '@roster/domain';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useNames } from '../bulk/useNames';
import { Button } from '../components/Button';
import { LoadMoreButton } from '../components/LoadMoreButton';
import { Spinner } from '../components/Spinner';
import { closeOnEscapePassedOn } from '../components/Toasts';
import { formatDate, formatDateTime, formatEventTime } from '../lib/format';
import { errorMessage, useTRPC } from '../lib/trpc';
import { useReturnFocus } from '../lib/useReturnFocus';
import { CopyAccessTargets } from './CopyAccessTargets';
import { moduleLabel } from './ModuleAccessSummary';
import { StatusBadge } from './StatusBadge';
import type { UserRow } from './UsersTable';
import { rightLabel } from './UsersToolbar';
import { userName } from './userName';

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="border-t border-slate-100 px-6 py-4">
      <h3 id={id} className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
        {title}
      </h3>
      {children}
    </section>
  );
}

/**
 * An action of one user's drawer: a mass operation on a one-user selection (or, for "Copy access
 * to", on the users this one's access is copied to), previewed and applied as any other.
 */
export type UserAction = {
  kind: OperationKind;
  ids: string[];
  /** The selection in words, as the panel shows it ("Ana Silva", "3 users"). */
  label: string;
  /** For "Copy access to": this user, whose access is copied. */
  source?: UserRow;
};

type User = RouterOutputs['users']['get'];

/** This user as the users list gives them: what "Copy access to" previews with as its source. */
function useListedUser(user: User, enabled: boolean): UserRow | undefined {
  const trpc = useTRPC();
  const found = useQuery(
    trpc.users.list.queryOptions({ filter: { search: user.email }, limit: 5 }, { enabled }),
  );
  return found.data?.items.find((row) => row.id === user.id);
}

/**
 * The operations that fit this user's status, as the domain's registry says (never decided here):
 * each opens the mass-operation panel on this one user; "Copy access" both ways.
 */
function UserActions({ user, onAction }: { user: User; onAction: (action: UserAction) => void }) {
  const [copyingTo, setCopyingTo] = useState(false);
  const name = userName(user);
  const listed = useListedUser(user, copyingTo);
  const one = (kind: OperationKind) => onAction({ kind, ids: [user.id], label: name });
  return (
    <div className="flex flex-col gap-3">
      <div data-user-actions className="flex flex-wrap gap-2">
        {operationKindsForStatus(user.status).flatMap((kind) =>
          kind === 'copy_access'
            ? [
                <Button key="copy-from" variant="secondary" onClick={() => one(kind)}>
                  Copy access from…
                </Button>,
                <Button
                  key="copy-to"
                  variant="secondary"
                  aria-expanded={copyingTo}
                  onClick={() => setCopyingTo((open) => !open)}
                >
                  Copy access to…
                </Button>,
              ]
            : [
                <Button
                  key={kind}
                  variant="secondary"
                  className={OPERATIONS[kind].tone === 'danger' ? 'text-red-700' : ''}
                  onClick={() => one(kind)}
                >
                  {OPERATIONS[kind].label}
                </Button>,
              ],
        )}
      </div>
      {copyingTo && (
        <CopyAccessTargets
          sourceId={user.id}
          sourceName={name}
          ready={listed !== undefined}
          onCancel={() => setCopyingTo(false)}
          onPreview={(targets) => {
            if (!listed) return;
            setCopyingTo(false);
            onAction({
              kind: 'copy_access',
              ids: targets.map((t) => t.id),
              label: targets.length === 1 ? userName(targets[0] ?? user) : `${targets.length} users`,
              source: listed,
            });
          }}
        />
      )}
    </div>
  );
}

/** The user's audit trail as sentences of the domain's vocabulary, each linking its operation. */
function UserActivity({ userId, now }: { userId: string; now: Date }) {
  const trpc = useTRPC();
  const names = useNames();
  const activity = useInfiniteQuery(
    trpc.users.activity.infiniteQueryOptions(
      { id: userId },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  if (activity.isPending) return <Spinner label="Loading activity…" />;
  if (activity.isError) return <p className="text-sm text-red-700">{errorMessage(activity.error)}</p>;
  const events = activity.data.pages.flatMap((page) => page.items);
  if (events.length === 0) return <p className="text-sm text-slate-500">No recorded activity.</p>;
  return (
    <div className="flex flex-col gap-3">
      <ol className="flex flex-col gap-2.5 text-sm text-slate-700">
        {events.map((event) => {
          const sentence = describeAuditEvent({
            ...event,
            names,
            formatDate,
            at: formatEventTime(event.at, now),
          });
          return (
            <li key={event.id}>
              {sentence.text}
              {sentence.operation && (
                <>
                  {' — '}
                  <Link
                    to={`/admin/operations/${sentence.operation.id}`}
                    className="font-medium text-brand-700 hover:text-brand-900 hover:underline"
                  >
                    {sentence.operation.label}
                  </Link>
                </>
              )}
            </li>
          );
        })}
      </ol>
      <LoadMoreButton list={activity} label="Show earlier activity" footer={false} />
    </div>
  );
}

/**
 * The detail drawer of one user (its own URL, /admin/users/<id>): the actions that fit the user,
 * profile, access, scope, rights, invitation and activity.
 */
export function UserDrawer({
  userId,
  onClose,
  onAction,
  now,
}: {
  userId: string | null;
  onClose: () => void;
  onAction: (action: UserAction) => void;
  now: Date;
}) {
  const trpc = useTRPC();
  const user = useQuery(trpc.users.get.queryOptions({ id: userId ?? '' }, { enabled: userId !== null }));
  // Closed, the drawer gives focus back to the row that opened it, or (opened by its URL) to the
  // user's row; the URL no longer names the user by then, so the last one shown is kept.
  const shown = useRef(userId);
  useEffect(() => {
    if (userId) shown.current = userId;
  }, [userId]);
  const returnFocus = useReturnFocus(userId !== null, () =>
    shown.current ? document.querySelector<HTMLElement>(`[data-user-id="${shown.current}"]`) : null,
  );
  return (
    <Dialog.Root open={userId !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-30 bg-slate-900/20" />
        <Dialog.Content
          onCloseAutoFocus={returnFocus}
          {...closeOnEscapePassedOn(onClose)}
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
                    {userName(user.data)}
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
                  className="rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-700"
                  aria-label="Close"
                >
                  ✕
                </Dialog.Close>
              </div>
              <Section title="Actions">
                <UserActions user={user.data} onAction={onAction} />
              </Section>
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
              <Section title="Activity">
                <UserActivity userId={user.data.id} now={now} />
              </Section>
            </>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
