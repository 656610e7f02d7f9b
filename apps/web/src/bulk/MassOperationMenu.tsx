import {
  OPERATION_GROUP_LABELS,
  OPERATION_GROUPS,
  OPERATION_KINDS,
  OPERATIONS,
  type OperationKind,
  type OperationTone,
} from '@roster/domain';
import { DropdownMenu } from 'radix-ui';
import { Fragment } from 'react';
import { ChevronDownIcon } from '../components/ChevronDownIcon';
import { MenuPanel } from '../components/MenuPanel';

type Kind = OperationKind;

/** The operations, in the groups their definitions name, in the registry's order. */
const GROUPS = OPERATION_GROUPS.map((group) => ({
  label: OPERATION_GROUP_LABELS[group],
  kinds: OPERATION_KINDS.filter((kind) => OPERATIONS[kind].group === group),
}));

const TONE_STYLES: Record<OperationTone, string> = {
  default: 'text-slate-700',
  danger: 'text-rose-700',
};

/** "Mass operation": the drop-down that starts a bulk operation on the selected users. */
export function MassOperationMenu({
  onChoose,
  selectedCount,
}: {
  onChoose: (kind: Kind) => void;
  /** With no user selected the operations are listed, not chosen, and the menu says why. */
  selectedCount: number;
}) {
  const none = selectedCount === 0;
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        data-return-focus="mass-operation"
        className="inline-flex h-8 items-center gap-1.5 rounded-lg bg-brand-600 px-3 text-sm font-medium text-white shadow-sm hover:bg-brand-700 data-[state=open]:bg-brand-700"
      >
        Mass operation
        <ChevronDownIcon className="h-4 w-4 opacity-80" />
      </DropdownMenu.Trigger>
      <MenuPanel align="start" sideOffset={6} className="z-20 min-w-64">
        {none && (
          <p className="max-w-64 px-3 pt-2 pb-1 text-xs text-slate-600">
            Select the users first: tick them in the table, or select all the users that match.
          </p>
        )}
        {GROUPS.map((group, i) => (
          <Fragment key={group.label}>
            {i > 0 && <DropdownMenu.Separator className="my-1 h-px bg-slate-100" />}
            <DropdownMenu.Label className="px-3 pt-2 pb-1 text-[11px] font-semibold uppercase tracking-wide text-slate-500">
              {group.label}
            </DropdownMenu.Label>
            {group.kinds.map((kind) => (
              <DropdownMenu.Item
                key={kind}
                disabled={none}
                onSelect={() => onChoose(kind)}
                className={`cursor-pointer rounded-md px-3 py-2 text-sm outline-none data-highlighted:bg-slate-100 data-disabled:cursor-default data-disabled:opacity-60 ${
                  TONE_STYLES[OPERATIONS[kind].tone]
                }`}
              >
                {OPERATIONS[kind].label}
              </DropdownMenu.Item>
            ))}
          </Fragment>
        ))}
      </MenuPanel>
    </DropdownMenu.Root>
  );
}
