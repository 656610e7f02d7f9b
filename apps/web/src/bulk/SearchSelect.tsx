import { Popover } from 'radix-ui';
import { type KeyboardEvent, type ReactNode, useId, useState } from 'react';
import { ChevronDownIcon } from '../components/ChevronDownIcon';

export type SearchOption = { id: string; label: string; detail?: string | undefined; aside?: ReactNode };

type Props = {
  /** The field's name, e.g. "Role to assign". */
  label: string;
  placeholder: string;
  searchLabel: string;
  value: SearchOption | null;
  query: string;
  onQueryChange: (query: string) => void;
  options: readonly SearchOption[];
  loading?: boolean;
  emptyText: string;
  onSelect: (id: string) => void;
};

/**
 * A picker with a search box (a combobox): the trigger shows the choice, the pop-over filters the
 * options as one types; arrows move, Enter picks, Escape closes.
 */
export function SearchSelect(props: Props) {
  const { options, value } = props;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const labelId = useId();
  // The highlighted option, kept within the options as they change with the search.
  const current = Math.max(0, Math.min(active, options.length - 1));

  const pick = (id: string) => {
    props.onSelect(id);
    setOpen(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(Math.max(0, Math.min(options.length - 1, current + step)));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const option = options[current];
      if (option) pick(option.id);
    }
  };

  return (
    <div className="flex flex-col gap-1.5">
      <span id={labelId} className="text-sm font-medium text-slate-700">
        {props.label}
      </span>
      <Popover.Root open={open} onOpenChange={setOpen}>
        <Popover.Trigger
          // Named by its label and what it shows (the value or the placeholder), as people read it.
          aria-labelledby={`${labelId} ${labelId}-value`}
          className="flex h-10 w-full items-center justify-between gap-3 rounded-lg border border-slate-300 bg-white px-3 text-left text-sm shadow-sm hover:bg-slate-50 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 data-[state=open]:border-brand-500"
        >
          {value ? (
            <span id={`${labelId}-value`} className="flex min-w-0 items-baseline gap-2">
              <span className="truncate font-medium text-slate-900">{value.label}</span>
              {value.detail && <span className="truncate text-slate-500">{value.detail}</span>}
            </span>
          ) : (
            <span id={`${labelId}-value`} className="text-slate-500">
              {props.placeholder}
            </span>
          )}
          <ChevronDownIcon className="h-4 w-4 shrink-0 text-slate-500" />
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            align="start"
            sideOffset={4}
            style={{ width: 'var(--radix-popover-trigger-width)' }}
            className="z-50 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-lg"
          >
            <div className="border-b border-slate-100 p-2">
              <input
                type="search"
                role="combobox"
                aria-label={props.searchLabel}
                aria-expanded
                aria-controls={listId}
                aria-activedescendant={options[current] ? `${listId}-${options[current].id}` : undefined}
                placeholder={props.searchLabel}
                value={props.query}
                onChange={(e) => {
                  setActive(0);
                  props.onQueryChange(e.target.value);
                }}
                onKeyDown={onKeyDown}
                className="h-9 w-full rounded-md border border-slate-200 px-3 text-sm placeholder:text-slate-400 focus:border-brand-500 focus:outline-none"
              />
            </div>
            <div id={listId} role="listbox" aria-label={props.label} className="max-h-72 overflow-y-auto p-1">
              {options.length === 0 ? (
                <p className="px-3 py-6 text-center text-sm text-slate-500">
                  {props.loading ? 'Searching…' : props.emptyText}
                </p>
              ) : (
                options.map((option, index) => (
                  <div
                    key={option.id}
                    id={`${listId}-${option.id}`}
                    role="option"
                    tabIndex={-1}
                    aria-selected={value?.id === option.id}
                    onMouseEnter={() => setActive(index)}
                    onClick={() => pick(option.id)}
                    onKeyDown={() => {}}
                    className={`flex cursor-pointer items-center justify-between gap-3 rounded-md px-3 py-2 text-sm ${
                      index === current ? 'bg-slate-100' : ''
                    }`}
                  >
                    <span className="min-w-0">
                      <span className="block truncate font-medium text-slate-800">{option.label}</span>
                      {option.detail && (
                        <span className="block truncate text-xs text-slate-500">{option.detail}</span>
                      )}
                    </span>
                    <span className="flex shrink-0 items-center gap-2">
                      {option.aside}
                      {value?.id === option.id && <span className="text-brand-600">✓</span>}
                    </span>
                  </div>
                ))
              )}
            </div>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
    </div>
  );
}
