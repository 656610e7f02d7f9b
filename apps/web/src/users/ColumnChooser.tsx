import { DropdownMenu } from 'radix-ui';
import { CheckMark } from '../components/CheckMark';
import { MenuPanel } from '../components/MenuPanel';
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
      <MenuPanel align="end" className="z-20 min-w-52">
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
              <CheckMark checked={checked} />
              {OPTIONAL_USER_COLUMN_LABELS[column]}
            </DropdownMenu.CheckboxItem>
          );
        })}
      </MenuPanel>
    </DropdownMenu.Root>
  );
}
