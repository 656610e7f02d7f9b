import { type BulkOperation, OPERATIONS, type PlanUser, type Selection } from '@roster/domain';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { type ReactNode, useRef } from 'react';
import { Link } from 'react-router';
import { Button } from '../components/Button';
import { CloseIcon } from '../components/CloseIcon';
import { closeOnEscapePassedOn } from '../components/Toasts';
import { useTRPC } from '../lib/trpc';
import { useReturnFocus } from '../lib/useReturnFocus';
import type { UserRow } from '../users/UsersTable';
import { MassOperationForm } from './MassOperationForm';
import { hasParameters, OperationParameters } from './OperationParameters';
import { OperationView } from './OperationView';
import { kindLabel } from './operationLabels';
import { useOperationToast } from './useOperationToast';

type Props = {
  /** The operation being prepared (the form), if any. */
  kind: BulkOperation['kind'] | null;
  /** The operation applied (its progress and results), if any: it comes from the URL. */
  operationId: string | null;
  selection: Selection;
  /** "12 selected users", "All 4,210 users matching this filter". */
  selectionLabel: string;
  planUsers: readonly PlanUser[] | null;
  selectionKey: string;
  /** After `selection_changed`: select all the users the filter matches now (this many). */
  onRecount: (count: number) => void;
  onApplied: (operationId: string) => void;
  onFinished: () => void;
  onClose: () => void;
  /** For Copy access: the user copied from, chosen before the panel opened ("Copy access to…"). */
  source?: UserRow | undefined;
  /** Where focus goes on closing when what opened the panel is gone (default: "Mass operation"). */
  returnFocusTo?: (() => HTMLElement | null) | undefined;
};

/** The side panel of a mass operation: prepared and previewed, then followed until its results. */
export function MassOperationSheet(props: Props) {
  const { kind, operationId } = props;
  const content = useRef<HTMLDivElement>(null);
  const open = kind !== null || operationId !== null;
  // Closed, the panel gives focus back to what opened it: the "Mass operation" button (the menu item
  // chosen is gone by then), or the link that opened an operation.
  const returnFocus = useReturnFocus(
    open,
    props.returnFocusTo ??
      (() => document.querySelector<HTMLElement>('[data-return-focus="mass-operation"]')),
  );
  // After Apply and after Close, a toast says how the operation stands, with "Undo" once it can be.
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useOperationToast();
  const toastOf = (id: string | null, moment: 'applied' | 'closed') => {
    const op = id ? queryClient.getQueryData(trpc.bulk.get.queryKey({ id })) : undefined;
    if (op) toast(op, moment);
  };
  const onApplied = (id: string) => {
    toastOf(id, 'applied');
    props.onApplied(id);
  };
  const close = () => {
    toastOf(operationId, 'closed');
    props.onClose();
  };
  return (
    <Dialog.Root open={open} onOpenChange={(open) => !open && close()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-30 bg-slate-900/30" />
        <Dialog.Content
          ref={content}
          aria-describedby={undefined}
          onCloseAutoFocus={returnFocus}
          {...closeOnEscapePassedOn(close)}
          // The panel itself takes focus (Tab reaches its fields), not the first button in it.
          onOpenAutoFocus={(event) => {
            event.preventDefault();
            content.current?.focus();
          }}
          className="fixed top-0 right-0 z-40 flex h-full w-full max-w-2xl flex-col bg-slate-50 shadow-2xl focus:outline-none"
        >
          {operationId ? (
            <AppliedOperation id={operationId} onFinished={props.onFinished} />
          ) : kind ? (
            <>
              <SheetHeader title={OPERATIONS[kind].label}>
                <p className="mt-1 text-sm text-slate-600">{OPERATIONS[kind].description}</p>
                <p className="mt-3 inline-flex rounded-full bg-brand-50 px-2.5 py-1 text-xs font-medium text-brand-800 ring-1 ring-brand-200 ring-inset">
                  {props.selectionLabel}
                </p>
              </SheetHeader>
              <MassOperationForm
                key={kind}
                kind={kind}
                selection={props.selection}
                planUsers={props.planUsers}
                selectionKey={props.selectionKey}
                source={props.source}
                onRecount={props.onRecount}
                onApplied={onApplied}
                onCancel={props.onClose}
              />
            </>
          ) : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function SheetHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="flex items-start justify-between gap-4 border-b border-slate-200 bg-white px-6 py-5">
      <div className="min-w-0">
        <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Mass operation</p>
        <Dialog.Title className="mt-0.5 text-lg font-semibold text-slate-900">{title}</Dialog.Title>
        {children}
      </div>
      <Dialog.Close
        aria-label="Close"
        className="rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-700"
      >
        <CloseIcon className="h-5 w-5" />
      </Dialog.Close>
    </header>
  );
}

/** After Apply (or on a reload with `?operation=<id>`): the progress, then the results. */
function AppliedOperation({ id, onFinished }: { id: string; onFinished: () => void }) {
  const trpc = useTRPC();
  const operation = useQuery(trpc.bulk.get.queryOptions({ id }, { staleTime: 0 }));
  return (
    <>
      {/* Apply leaves the operation in the cache: its name stays the title while it runs. */}
      <SheetHeader title={operation.data ? kindLabel(operation.data.kind) : 'Operation'}>
        {operation.data && hasParameters(operation.data.kind, operation.data.params) && (
          <div className="mt-1 text-sm text-slate-600">
            <OperationParameters kind={operation.data.kind} params={operation.data.params} />
          </div>
        )}
      </SheetHeader>
      <div className="min-h-0 flex-1 overflow-y-auto px-6 py-5">
        <OperationView key={id} id={id} onFinished={onFinished} />
      </div>
      <footer className="flex items-center justify-end gap-3 border-t border-slate-200 bg-slate-50 px-6 py-4">
        <Link
          to={`/admin/operations/${id}`}
          className="mr-auto text-sm font-medium text-brand-700 hover:text-brand-900 hover:underline"
        >
          Open in Operations
        </Link>
        <Dialog.Close asChild>
          <Button variant="secondary">Close</Button>
        </Dialog.Close>
      </footer>
    </>
  );
}
