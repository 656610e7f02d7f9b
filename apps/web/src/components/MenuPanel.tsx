import { DropdownMenu } from 'radix-ui';
import type { ReactNode } from 'react';

/** A dropdown menu's card, in a portal above the page, under its trigger. */
export function MenuPanel({
  align,
  sideOffset = 4,
  className,
  children,
}: {
  align: 'start' | 'end';
  sideOffset?: number;
  /** Its layer and width: "z-20 min-w-56". */
  className: string;
  children: ReactNode;
}) {
  return (
    <DropdownMenu.Portal>
      <DropdownMenu.Content
        align={align}
        sideOffset={sideOffset}
        className={`${className} rounded-lg border border-slate-200 bg-white p-1 shadow-lg`}
      >
        {children}
      </DropdownMenu.Content>
    </DropdownMenu.Portal>
  );
}
