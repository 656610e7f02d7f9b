import { Dialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { Button } from './Button';

/** The buttons that end a dialog's form: Cancel, which closes the dialog, then the form's submit. */
export function FormDialogActions({
  className,
  disabled,
  children,
}: {
  className: string;
  /** Whether the submit button is off (pending, or the form not ready). */
  disabled: boolean;
  /** The submit button's words. */
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <Dialog.Close asChild>
        <Button variant="secondary">Cancel</Button>
      </Dialog.Close>
      <Button type="submit" disabled={disabled}>
        {children}
      </Button>
    </div>
  );
}
