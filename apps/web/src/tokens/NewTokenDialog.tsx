import { Dialog } from 'radix-ui';
import { Button } from '../components/Button';

/** A token just created, shown this once (it is stored only as its hash). */
export type CreatedToken = { name: string; token: string };

/** Shows a new token once, with a Copy button; closing it forgets the token. */
export function NewTokenDialog({
  created,
  onClose,
  title,
  description,
  testId,
}: {
  created: CreatedToken | null;
  onClose: () => void;
  title: string;
  description: string;
  testId: string;
}) {
  return (
    <Dialog.Root open={created !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 bg-slate-900/40" />
        <Dialog.Content className="fixed top-1/2 left-1/2 w-full max-w-lg -translate-x-1/2 -translate-y-1/2 rounded-2xl bg-white p-6 shadow-xl">
          <Dialog.Title className="text-lg font-semibold">{title}</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-slate-500">{description}</Dialog.Description>
          <code
            data-testid={testId}
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
  );
}
