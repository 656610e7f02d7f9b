import { ESSENTIAL_USER_COLUMNS, type UsersExportInput } from '@roster/domain';
import { DropdownMenu } from 'radix-ui';
import { useRef } from 'react';
import { MenuPanel } from '../components/MenuPanel';
import { plural } from '../lib/format';
import { type SelectionState, selectedCount, toSelection } from './selection';
import type { UsersView } from './urlState';
import type { OptionalUserColumn } from './userColumns';

const EXPORT_PATH = '/api/users/export.csv';
const trigger =
  'inline-flex h-9 shrink-0 items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-3 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50';
const menuItem =
  'flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm text-slate-700 outline-none data-highlighted:bg-slate-100';

/**
 * "Export CSV": the users of the current view (its filter and sort, the columns shown) or, when rows
 * are selected, of the selection, as a file the server streams. The browser downloads it itself (a
 * link, or a form for a selection too long for a URL): nothing is held in the page.
 */
export function ExportUsersMenu({
  view,
  columns,
  selection,
}: {
  view: UsersView;
  columns: readonly OptionalUserColumn[];
  selection: SelectionState;
}) {
  const form = useRef<HTMLFormElement>(null);
  const formInput = useRef<HTMLInputElement>(null);
  const chosen = [...ESSENTIAL_USER_COLUMNS, ...columns];
  const viewInput: UsersExportInput = { filter: view.filter, sort: view.sort, columns: chosen };
  const viewHref = `${EXPORT_PATH}?input=${encodeURIComponent(JSON.stringify(viewInput))}`;
  const selected = selectedCount(selection);

  if (selected === 0) {
    return (
      <a href={viewHref} download className={trigger}>
        Export CSV
      </a>
    );
  }
  const exportSelection = () => {
    if (!form.current || !formInput.current) return;
    const input: UsersExportInput = { selection: toSelection(selection), sort: view.sort, columns: chosen };
    formInput.current.value = JSON.stringify(input);
    form.current.submit();
  };
  return (
    <>
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger className={trigger}>Export CSV</DropdownMenu.Trigger>
        <MenuPanel align="end" className="z-20 min-w-56">
          <DropdownMenu.Item className={menuItem} onSelect={exportSelection}>
            {`The ${plural(selected, 'selected user')}`}
          </DropdownMenu.Item>
          <DropdownMenu.Item asChild className={menuItem}>
            <a href={viewHref} download>
              Every user in this view
            </a>
          </DropdownMenu.Item>
        </MenuPanel>
      </DropdownMenu.Root>
      <form ref={form} method="post" action={EXPORT_PATH} hidden>
        <input ref={formInput} type="hidden" name="input" />
      </form>
    </>
  );
}
