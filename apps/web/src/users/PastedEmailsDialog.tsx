import { EMAIL_LIST_MAX, parseEmailList } from '@roster/domain';
import { useMutation } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { type FormEvent, useDeferredValue, useId, useMemo, useState } from 'react';
import { Button } from '../components/Button';
import { ErrorLine } from '../components/ErrorLine';
import { FormDialogActions } from '../components/FormDialogActions';
import { formatCount, plural } from '../lib/format';
import { useTRPC } from '../lib/trpc';

/** How many found users the dialog names before "and N more". */
const NAMED_FOUND = 8;

/**
 * "Select users from a pasted list of e-mails": the administrator pastes addresses with any
 * separators (read by the domain's `parseEmailList`, as the server reads them), the server finds
 * their users in one query, the found users become the selection and the addresses no user has are
 * listed here.
 */
export function PastedEmailsDialog({ onSelect }: { onSelect: (ids: string[]) => void }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const deferred = useDeferredValue(text);
  const parsed = useMemo(() => parseEmailList(deferred), [deferred]);
  const find = useMutation(trpc.users.findByEmails.mutationOptions());
  const unknownId = useId();
  const tooMany = parsed.emails.length > EMAIL_LIST_MAX;
  const result = find.data;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    find.mutate(
      { text },
      {
        onSuccess: (found) => {
          if (found.users.length) onSelect(found.users.map((u) => u.id));
        },
      },
    );
  };
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setText('');
      find.reset();
    }
  };

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger asChild>
        <Button variant="secondary">Select from a list…</Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-30 bg-slate-900/40" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-40 flex max-h-[90vh] w-[calc(100%-2rem)] max-w-xl -translate-x-1/2 -translate-y-1/2 flex-col gap-4 overflow-y-auto rounded-2xl bg-white p-6 shadow-xl">
          <div>
            <Dialog.Title className="text-lg font-semibold text-slate-900">
              Select users from a list of e-mails
            </Dialog.Title>
            <Dialog.Description className="mt-1 text-sm text-slate-600">
              Paste e-mail addresses one a line, or separated by commas, semicolons or spaces (names around
              them, as in “Ana Silva &lt;ana@acme.com&gt;”, are left out). The users found become the
              selection.
            </Dialog.Description>
          </div>
          {result ? (
            <div className="flex flex-col gap-3 text-sm text-slate-700" aria-live="polite">
              <p className="font-medium text-slate-900" data-testid="pasted-found">
                {result.users.length
                  ? `${plural(result.users.length, 'user', 'users')} found and selected.`
                  : 'No user was found: the selection is unchanged.'}
              </p>
              {result.users.length > 0 && (
                <p className="text-slate-600">
                  {result.users
                    .slice(0, NAMED_FOUND)
                    .map((u) => `${u.firstName} ${u.lastName}`.trim() || u.email)
                    .join(', ')}
                  {result.users.length > NAMED_FOUND
                    ? ` and ${formatCount(result.users.length - NAMED_FOUND)} more`
                    : ''}
                </p>
              )}
              {result.unknown.length > 0 && (
                <div>
                  <p id={unknownId} className="font-medium text-amber-800">
                    {plural(result.unknown.length, 'e-mail matches', 'e-mails match')} no user:
                  </p>
                  <ul
                    aria-labelledby={unknownId}
                    data-testid="pasted-unknown"
                    className="mt-1 max-h-48 overflow-y-auto rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 font-mono text-xs text-slate-800"
                  >
                    {result.unknown.map((email) => (
                      <li key={email}>{email}</li>
                    ))}
                  </ul>
                </div>
              )}
              {result.invalid.length > 0 && (
                <p className="text-slate-600">
                  {`Not e-mail addresses, left out: ${result.invalid.join(', ')}`}
                </p>
              )}
              {result.duplicates > 0 && (
                <p className="text-slate-600">
                  {`${plural(result.duplicates, 'address was', 'addresses were')} repeated and counted once.`}
                </p>
              )}
              <div className="flex justify-end gap-2">
                <Button variant="secondary" onClick={() => find.reset()}>
                  Paste another list
                </Button>
                <Dialog.Close asChild>
                  <Button>Done</Button>
                </Dialog.Close>
              </div>
            </div>
          ) : (
            <form onSubmit={submit} className="flex flex-col gap-3">
              <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
                E-mail addresses
                <textarea
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  rows={8}
                  spellCheck={false}
                  placeholder={'ana.silva@acme.com\nbob.lee@acme.com'}
                  className="rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm font-normal focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
                />
              </label>
              <p className={`text-sm ${tooMany ? 'text-red-700' : 'text-slate-600'}`} aria-live="polite">
                {tooMany
                  ? `${plural(parsed.emails.length, 'address', 'addresses')}: a list holds at most ${formatCount(EMAIL_LIST_MAX)}.`
                  : `${plural(parsed.emails.length, 'address', 'addresses')} read${
                      parsed.duplicates ? `, ${formatCount(parsed.duplicates)} repeated` : ''
                    }${parsed.invalid.length ? `, ${plural(parsed.invalid.length, 'word is', 'words are')} not an address` : ''}.`}
              </p>
              <ErrorLine error={find.error} />
              <FormDialogActions
                className="flex justify-end gap-2"
                disabled={parsed.emails.length === 0 || tooMany || find.isPending}
              >
                {find.isPending ? 'Finding…' : 'Select these users'}
              </FormDialogActions>
            </form>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
