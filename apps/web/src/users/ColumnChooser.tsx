import { DropdownMenu } from 'radix-ui';
import { OPTIONAL_USER_COLUMN_LABELS, OPTIONAL_USER_COLUMNS, type OptionalUserColumn } from './userColumns';

/** "Columns": the optional columns of the users table, ticked on and off (the menu stays open). */
export function ColumnChooser({
  columns,
  onChange,
}: {
  columns: readonly OptionalUserColumn[];
  onChange: (columns: OptionalUserColumn[]) => void;
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className="inline-flex h-9 shrink-0 items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-3 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50">
        Columns
        {columns.length > 0 && (
          <span className="rounded-full bg-slate-100 px-1.5 text-xs text-slate-700">+{columns.length}</span>
        )}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          className="z-20 min-w-52 rounded-lg border border-slate-200 bg-white p-1 shadow-lg"
        >
          <DropdownMenu.Label className="px-3 pt-2 pb-1 text-xs text-slate-600">
            Name, e-mail, role, status and module access are always shown.
          </DropdownMenu.Label>
          {OPTIONAL_USER_COLUMNS.map((column) => {
            const checked = columns.includes(column);
            return (
              <DropdownMenu.CheckboxItem
                key={column}
                checked={checked}
                onSelect={(e) => e.preventDefault()}
                onCheckedChange={() =>
                  onChange(checked ? columns.filter((c) => c !== column) : [...columns, column])
                }
                className="flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm text-slate-700 outline-none data-highlighted:bg-slate-100"
              >
                <span
                  aria-hidden
                  className={`flex h-4 w-4 items-center justify-center rounded border text-[10px] ${
                    checked ? 'border-brand-600 bg-brand-600 text-white' : 'border-slate-300'
                  }`}
                >
                  {checked ? '✓' : ''}
                </span>
                {OPTIONAL_USER_COLUMN_LABELS[column]}
              </DropdownMenu.CheckboxItem>
            );
          })}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
