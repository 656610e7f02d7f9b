import {
  ACCESS_LEVEL_LABELS,
  emailDomainSchema,
  type LastSignInFilter,
  labelOf,
  RIGHT_LABELS,
  RIGHTS,
  USER_STATUSES,
  type UsersFilter,
} from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import { DropdownMenu, Popover } from 'radix-ui';
import { type FormEvent, forwardRef, type ReactNode, useId, useMemo, useState } from 'react';
import { Button } from '../components/Button';
import { CheckMark } from '../components/CheckMark';
import { ChevronDownIcon } from '../components/ChevronDownIcon';
import { DateRangeField } from '../components/DateRangeField';
import { MenuPanel } from '../components/MenuPanel';
import { SearchBox } from '../components/SearchBox';
import { formatDate } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { moduleLabel } from './ModuleAccessSummary';
import { statusLabel } from './StatusBadge';
import { createdFromDay, createdToDay, dayOfCreatedTo, localDayOf } from './urlState';

const menuContent = 'z-20 min-w-56 rounded-lg border border-slate-200 bg-white p-1 shadow-lg';
const menuItem =
  'flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm text-slate-700 outline-none data-highlighted:bg-slate-100';

/** A filter's button, in the brand's colours while its filter is on. */
const triggerClass = (on: boolean) =>
  `inline-flex h-9 items-center whitespace-nowrap rounded-lg border px-3 text-sm shadow-sm transition-colors ${
    on
      ? 'border-brand-200 bg-brand-50 text-brand-700 hover:bg-brand-100'
      : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
  }`;

const FilterTrigger = forwardRef<
  HTMLButtonElement,
  { label: string; value?: string | undefined; children?: ReactNode }
>(function FilterTrigger({ label, value, ...props }, ref) {
  return (
    <button
      ref={ref}
      type="button"
      aria-label={`Filter by ${label.toLowerCase()}${value ? `: ${value}` : ''}`}
      className={`${triggerClass(Boolean(value))} gap-1.5`}
      {...props}
    >
      <span className="font-medium">
        {label}
        {value ? ':' : ''}
      </span>
      {value && <span className="max-w-40 truncate">{value}</span>}
      <ChevronDownIcon className="h-4 w-4 opacity-60" />
    </button>
  );
});

/**
 * Opens the filters that do not fit beside the search: "More filters", with how many of them are on.
 * Its name is its text, so what is read out is what is shown.
 */
const MoreFiltersTrigger = forwardRef<HTMLButtonElement, { count: number }>(function MoreFiltersTrigger(
  { count, ...props },
  ref,
) {
  return (
    <button ref={ref} type="button" className={`${triggerClass(count > 0)} font-medium`} {...props}>
      More filters{count > 0 ? ` (${count})` : ''}
    </button>
  );
});

/** A filter whose choices are a menu (ticks or one of several), opened from its button. */
function FilterMenu({
  label,
  value,
  children,
}: {
  label: string;
  value?: string | undefined;
  children: ReactNode;
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>
        <FilterTrigger label={label} value={value} />
      </DropdownMenu.Trigger>
      <MenuPanel align="start" className="z-20 min-w-56">
        {children}
      </MenuPanel>
    </DropdownMenu.Root>
  );
}

/** A filter set in a small form (fields, a range), opened from its button; `name` names the popover. */
function FilterPopover({
  label,
  value,
  name,
  className,
  children,
}: {
  label: string;
  value?: string | undefined;
  name?: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <FilterTrigger label={label} value={value} />
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={4}
          aria-label={name}
          className={`${menuContent} ${className} p-4`}
        >
          {children}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

export const rightLabel = (right: string) => labelOf(RIGHT_LABELS, right);

/** The choices of the last sign-in filter: never, or not in the last N days. */
const SIGN_IN_DAYS = [7, 30, 90, 180, 365] as const;

export function lastSignInLabel(filter: LastSignInFilter): string {
  return filter.kind === 'never' ? 'Never signed in' : `Not in ${filter.days} days`;
}

/** "1 Mar 2026 – 31 Mar 2026", "from 1 Mar 2026", "to 31 Mar 2026": the days the admin chose. */
export function createdLabel(filter: UsersFilter): string | undefined {
  const day = (value: string) => formatDate(new Date(`${value}T00:00`));
  const from = filter.createdFrom ? day(localDayOf(filter.createdFrom)) : undefined;
  const to = filter.createdTo ? day(dayOfCreatedTo(filter.createdTo)) : undefined;
  if (from && to) return `${from} – ${to}`;
  if (from) return `from ${from}`;
  if (to) return `to ${to}`;
  return undefined;
}

/** The rights a filter asks for: the multi-choice list, or the single right of an older URL. */
const chosenRights = (filter: UsersFilter) => [
  ...new Set([...(filter.right ? [filter.right] : []), ...(filter.rights ?? [])]),
];

type FilterChip = { key: string; label: string; clear: Partial<UsersFilter> };

/**
 * A change of the filter, made to the URL's latest one (two changes before the next render both
 * count): the page's `onFilter`.
 */
export type FilterChange = (change: (current: UsersFilter) => UsersFilter) => void;

/** The change that sets these fields of the latest filter (an undefined field drops out of the URL). */
const patched =
  (patch: Partial<UsersFilter>) =>
  (current: UsersFilter): UsersFilter => ({ ...current, ...patch });

/** The module filter as its button and chip show it, e.g. "Budget ≥ Edit". */
function moduleFilterLabel(filter: UsersFilter): string | undefined {
  return filter.module
    ? `${moduleLabel(filter.module.module)} ≥ ${labelOf(ACCESS_LEVEL_LABELS, filter.module.minLevel)}`
    : undefined;
}

/** The scope filter as its button and chip show it, e.g. "Sales + below". */
function scopeFilterLabel(filter: UsersFilter, unitName: string | undefined): string | undefined {
  return unitName ? `${unitName}${filter.includeDescendants ? ' + below' : ''}` : undefined;
}

/** The filters behind "More filters" that are on, as chips: none is active out of sight. */
function useFilterChips(filter: UsersFilter): FilterChip[] {
  const trpc = useTRPC();
  const catalog = useQuery(trpc.catalog.get.queryOptions(undefined, { staleTime: 300_000 }));
  const unitName = catalog.data?.orgUnits.find((u) => u.id === filter.orgUnitId)?.name;
  const moduleValue = moduleFilterLabel(filter);
  const scopeValue = scopeFilterLabel(filter, unitName);
  const rights = chosenRights(filter);
  return [
    ...(moduleValue
      ? [{ key: 'module', label: `Module access: ${moduleValue}`, clear: { module: undefined } }]
      : []),
    ...(filter.orgUnitId
      ? [
          {
            key: 'scope',
            label: `Scope: ${scopeValue ?? 'a unit'}`,
            clear: { orgUnitId: undefined, includeDescendants: undefined },
          },
        ]
      : []),
    ...(filter.lastSignIn
      ? [
          {
            key: 'signin',
            label: `Last sign-in: ${lastSignInLabel(filter.lastSignIn)}`,
            clear: { lastSignIn: undefined },
          },
        ]
      : []),
    ...(filter.createdFrom || filter.createdTo
      ? [
          {
            key: 'created',
            label: `Created: ${createdLabel(filter)}`,
            clear: { createdFrom: undefined, createdTo: undefined },
          },
        ]
      : []),
    ...(filter.emailDomain
      ? [{ key: 'domain', label: `E-mail domain: ${filter.emailDomain}`, clear: { emailDomain: undefined } }]
      : []),
    ...(rights.length
      ? [
          {
            key: 'rights',
            label: `${rights.length > 1 ? 'Any of the rights' : 'Right'}: ${rights.map(rightLabel).join(', ')}`,
            clear: { right: undefined, rights: undefined },
          },
        ]
      : []),
  ];
}

/** "Clear filters": every filter off, the search too. */
function ClearFilters({ onChange }: { onChange: FilterChange }) {
  return (
    <Button variant="ghost" onClick={() => onChange(() => ({}))}>
      Clear filters
    </Button>
  );
}

/**
 * The filters in force that the toolbar's row does not show, each cleared by its chip, then Clear
 * filters: a row of the page's whole width under the toolbar and the list's tools.
 */
export function ActiveFilterChips({ filter, onChange }: { filter: UsersFilter; onChange: FilterChange }) {
  const chips = useFilterChips(filter);
  if (chips.length === 0) return null;
  return (
    <div className="flex w-full flex-wrap items-center gap-2">
      <ul aria-label="Active filters" className="flex flex-wrap gap-2">
        {chips.map((chip) => (
          <li
            key={chip.key}
            className="inline-flex items-center gap-1 rounded-full bg-brand-50 py-1 pr-1 pl-3 text-xs font-medium text-brand-800 ring-1 ring-brand-200 ring-inset"
          >
            {chip.label}
            <button
              type="button"
              aria-label={`Clear ${chip.label}`}
              onClick={() => onChange(patched(chip.clear))}
              className="flex h-5 w-5 items-center justify-center rounded-full hover:bg-brand-100"
            >
              <span aria-hidden>×</span>
            </button>
          </li>
        ))}
      </ul>
      <ClearFilters onChange={onChange} />
    </div>
  );
}

/** Search and filters of the users table; every change goes to the URL through `onChange`. */
export function UsersToolbar({ filter, onChange }: { filter: UsersFilter; onChange: FilterChange }) {
  const trpc = useTRPC();
  const roles = useQuery(trpc.roles.list.queryOptions(undefined, { staleTime: 300_000 }));
  const catalog = useQuery(trpc.catalog.get.queryOptions(undefined, { staleTime: 300_000 }));
  // Empty values drop out when the view is written to the URL.
  const set = (patch: Partial<UsersFilter> | ((current: UsersFilter) => Partial<UsersFilter>)) =>
    onChange((current) => patched(typeof patch === 'function' ? patch(current) : patch)(current));
  const toggle = <T extends string>(list: readonly T[] | undefined, item: T) =>
    list?.includes(item) ? list.filter((x) => x !== item) : [...(list ?? []), item];

  const unitsInTreeOrder = useMemo(() => {
    const units = catalog.data?.orgUnits ?? [];
    const children = new Map<string | null, typeof units>();
    for (const unit of units) children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), unit]);
    const ordered: { id: string; name: string; depth: number }[] = [];
    const walk = (parentId: string | null, depth: number) => {
      for (const unit of children.get(parentId) ?? []) {
        ordered.push({ id: unit.id, name: unit.name, depth });
        walk(unit.id, depth + 1);
      }
    };
    walk(null, 0);
    return ordered;
  }, [catalog.data]);

  const roleNames = roles.data?.filter((r) => filter.roleIds?.includes(r.id)).map((r) => r.name);
  const unitName = unitsInTreeOrder.find((u) => u.id === filter.orgUnitId)?.name;
  const rights = chosenRights(filter);
  const active = Object.keys(filter).length > 0;
  const moduleValue = moduleFilterLabel(filter);
  // The last-sign-in choice on, as its radio's value ('' for any time).
  const lastSignInValue = !filter.lastSignIn
    ? ''
    : filter.lastSignIn.kind === 'never'
      ? 'never'
      : String(filter.lastSignIn.days);
  const scopeValue = scopeFilterLabel(filter, unitName);
  const moreCount = useFilterChips(filter).length;
  const clearAll = <ClearFilters onChange={onChange} />;

  return (
    <search aria-label="Filter users" className="flex flex-wrap items-center gap-2">
      <SearchBox
        label="Search users"
        placeholder="Search name or e-mail"
        value={filter.search ?? ''}
        onChange={(search) => set({ search })}
      />

      <FilterMenu label="Status" value={filter.status?.map(statusLabel).join(', ')}>
        {USER_STATUSES.map((status) => (
          <DropdownMenu.CheckboxItem
            key={status}
            className={menuItem}
            checked={filter.status?.includes(status) ?? false}
            onSelect={(e) => e.preventDefault()}
            onCheckedChange={() => set((current) => ({ status: toggle(current.status, status) }))}
          >
            <CheckMark checked={filter.status?.includes(status) ?? false} />
            {statusLabel(status)}
          </DropdownMenu.CheckboxItem>
        ))}
      </FilterMenu>

      <FilterMenu label="Role" value={roleNames?.join(', ')}>
        {roles.data?.map((role) => (
          <DropdownMenu.CheckboxItem
            key={role.id}
            className={menuItem}
            checked={filter.roleIds?.includes(role.id) ?? false}
            onSelect={(e) => e.preventDefault()}
            onCheckedChange={() => set((current) => ({ roleIds: toggle(current.roleIds, role.id) }))}
          >
            <CheckMark checked={filter.roleIds?.includes(role.id) ?? false} />
            {role.name}
          </DropdownMenu.CheckboxItem>
        ))}
      </FilterMenu>

      <button
        type="button"
        aria-pressed={filter.invitationExpired === true}
        onClick={() =>
          set((current) => ({ invitationExpired: current.invitationExpired ? undefined : true }))
        }
        className={`h-9 whitespace-nowrap rounded-lg border px-3 text-sm font-medium shadow-sm ${
          filter.invitationExpired
            ? 'border-amber-300 bg-amber-50 text-amber-800'
            : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
        }`}
      >
        Invitation expired
      </button>

      <Popover.Root>
        <Popover.Trigger asChild>
          <MoreFiltersTrigger count={moreCount} />
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            align="start"
            sideOffset={4}
            aria-label="More filters"
            className={`${menuContent} flex w-[26rem] max-w-[calc(100vw-2rem)] flex-wrap gap-2 p-3`}
          >
            <FilterPopover label="Module access" value={moduleValue} className="flex w-64 flex-col gap-3">
              <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
                Module
                <select
                  aria-label="Module"
                  className="rounded-md border border-slate-300 px-2 py-1.5 text-sm font-normal"
                  value={filter.module?.module ?? ''}
                  onChange={(e) =>
                    set({
                      module: e.target.value
                        ? { module: e.target.value, minLevel: filter.module?.minLevel ?? 'read' }
                        : undefined,
                    })
                  }
                >
                  <option value="">Any module</option>
                  {(catalog.data?.modules ?? []).map((m) => (
                    <option key={m} value={m}>
                      {moduleLabel(m)}
                    </option>
                  ))}
                </select>
              </label>
              <fieldset className="flex gap-4 text-sm text-slate-700" disabled={!filter.module}>
                <legend className="mb-1 font-medium">At least</legend>
                {(['read', 'edit'] as const).map((level) => (
                  <label key={level} className="flex items-center gap-1.5">
                    <input
                      type="radio"
                      name="minLevel"
                      checked={(filter.module?.minLevel ?? 'read') === level}
                      onChange={() =>
                        filter.module && set({ module: { module: filter.module.module, minLevel: level } })
                      }
                    />
                    {labelOf(ACCESS_LEVEL_LABELS, level)}
                  </label>
                ))}
              </fieldset>
            </FilterPopover>
            <FilterPopover label="Scope" value={scopeValue} className="flex w-80 flex-col gap-3">
              <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
                Organisation unit
                <select
                  aria-label="Organisation unit"
                  className="rounded-md border border-slate-300 px-2 py-1.5 text-sm font-normal"
                  value={filter.orgUnitId ?? ''}
                  onChange={(e) =>
                    set({
                      orgUnitId: e.target.value || undefined,
                      includeDescendants: e.target.value ? filter.includeDescendants : undefined,
                    })
                  }
                >
                  <option value="">Any unit</option>
                  {unitsInTreeOrder.map((unit) => (
                    <option key={unit.id} value={unit.id}>
                      {`${'\u00a0\u00a0\u00a0'.repeat(unit.depth)}${unit.name}`}
                    </option>
                  ))}
                </select>
              </label>
              <label className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  disabled={!filter.orgUnitId}
                  checked={filter.includeDescendants ?? false}
                  onChange={(e) => set({ includeDescendants: e.target.checked || undefined })}
                />
                Include the units below it
              </label>
            </FilterPopover>
            <FilterMenu label="Rights" value={rights.length ? rights.map(rightLabel).join(', ') : undefined}>
              {RIGHTS.map((right) => (
                <DropdownMenu.CheckboxItem
                  key={right}
                  className={menuItem}
                  checked={rights.includes(right)}
                  onSelect={(e) => e.preventDefault()}
                  onCheckedChange={() =>
                    set((current) => ({ right: undefined, rights: toggle(chosenRights(current), right) }))
                  }
                >
                  <CheckMark checked={rights.includes(right)} />
                  {rightLabel(right)}
                </DropdownMenu.CheckboxItem>
              ))}
            </FilterMenu>
            <FilterMenu
              label="Last sign-in"
              value={filter.lastSignIn ? lastSignInLabel(filter.lastSignIn) : undefined}
            >
              <DropdownMenu.RadioGroup
                value={lastSignInValue}
                onValueChange={(value) =>
                  set({
                    lastSignIn:
                      value === 'never'
                        ? { kind: 'never' }
                        : value
                          ? { kind: 'olderThan', days: Number(value) }
                          : undefined,
                  })
                }
              >
                {[
                  { value: '', label: 'Any time' },
                  { value: 'never', label: 'Never signed in' },
                  ...SIGN_IN_DAYS.map((days) => ({
                    value: String(days),
                    label: lastSignInLabel({ kind: 'olderThan', days }),
                  })),
                ].map((choice) => (
                  <DropdownMenu.RadioItem key={choice.value} value={choice.value} className={menuItem}>
                    <Radio checked={choice.value === lastSignInValue} />
                    {choice.label}
                  </DropdownMenu.RadioItem>
                ))}
              </DropdownMenu.RadioGroup>
            </FilterMenu>
            <FilterPopover
              label="Created"
              value={createdLabel(filter)}
              name="Created between"
              className="flex w-72 flex-col gap-3"
            >
              <p className="text-sm font-medium text-slate-700">Created between</p>
              <DateRangeField
                from={{ label: 'From', name: 'Created from' }}
                to={{ label: 'To (included)', name: 'Created to' }}
                value={{
                  from: filter.createdFrom ? localDayOf(filter.createdFrom) : '',
                  to: filter.createdTo ? dayOfCreatedTo(filter.createdTo) : '',
                }}
                onChange={(range) =>
                  set({
                    ...(range.from === undefined ? {} : { createdFrom: createdFromDay(range.from) }),
                    ...(range.to === undefined ? {} : { createdTo: createdToDay(range.to) }),
                  })
                }
              />
            </FilterPopover>
            <FilterPopover
              label="E-mail domain"
              value={filter.emailDomain}
              name="E-mail domain"
              className="w-72"
            >
              <EmailDomainForm value={filter.emailDomain} onChange={(emailDomain) => set({ emailDomain })} />
            </FilterPopover>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>

      {active && moreCount === 0 && clearAll}
    </search>
  );
}

/** The e-mail domain filter: typed, checked by the domain's rule, applied with Enter or the button. */
function EmailDomainForm({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  const [text, setText] = useState(value ?? '');
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) {
      setError(null);
      onChange(undefined);
      return;
    }
    const parsed = emailDomainSchema.safeParse(text);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'This is not an e-mail domain.');
      return;
    }
    setError(null);
    setText(parsed.data);
    onChange(parsed.data);
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-2">
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        E-mail domain
        <input
          type="text"
          aria-label="E-mail domain"
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          placeholder="acme.com"
          value={text}
          onChange={(e) => setText(e.target.value)}
          className="rounded-md border border-slate-300 px-2 py-1.5 text-sm font-normal"
        />
      </label>
      {error && (
        <p id={errorId} className="text-xs text-red-700">
          {error}
        </p>
      )}
      <p className="text-xs text-slate-600">Users whose e-mail ends with @ and this domain exactly.</p>
      <div className="flex justify-end">
        <Button type="submit">Apply</Button>
      </div>
    </form>
  );
}

function Radio({ checked }: { checked: boolean }) {
  return (
    <span
      aria-hidden
      className={`flex h-4 w-4 items-center justify-center rounded-full border ${
        checked ? 'border-brand-600' : 'border-slate-300'
      }`}
    >
      {checked ? <span className="h-2 w-2 rounded-full bg-brand-600" /> : null}
    </span>
  );
}
