import { labelOf, RIGHT_LABELS, RIGHTS, USER_STATUSES, type UsersFilter } from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import { DropdownMenu, Popover } from 'radix-ui';
import { forwardRef, type ReactNode, useMemo } from 'react';
import { Button } from '../components/Button';
import { SearchBox } from '../components/SearchBox';
import { useTRPC } from '../lib/trpc';
import { moduleLabel } from './ModuleAccessSummary';
import { statusLabel } from './StatusBadge';

const menuContent = 'z-20 min-w-56 rounded-lg border border-slate-200 bg-white p-1 shadow-lg';
const menuItem =
  'flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm text-slate-700 outline-none data-highlighted:bg-slate-100';

const FilterTrigger = forwardRef<
  HTMLButtonElement,
  { label: string; value?: string | undefined; children?: ReactNode }
>(function FilterTrigger({ label, value, ...props }, ref) {
  return (
    <button
      ref={ref}
      type="button"
      aria-label={`Filter by ${label.toLowerCase()}${value ? `: ${value}` : ''}`}
      className={`inline-flex h-9 items-center gap-1.5 rounded-lg border px-3 text-sm shadow-sm transition-colors ${
        value
          ? 'border-brand-200 bg-brand-50 text-brand-700 hover:bg-brand-100'
          : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
      }`}
      {...props}
    >
      <span className="font-medium">
        {label}
        {value ? ':' : ''}
      </span>
      {value && <span className="max-w-40 truncate">{value}</span>}
      <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4 opacity-60" fill="currentColor">
        <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4Z" />
      </svg>
    </button>
  );
});

export const rightLabel = (right: string) => labelOf(RIGHT_LABELS, right);

/** Search and filters of the users table; every change goes to the URL through `onChange`. */
export function UsersToolbar({
  filter,
  onChange,
}: {
  filter: UsersFilter;
  onChange: (filter: UsersFilter) => void;
}) {
  const trpc = useTRPC();
  const roles = useQuery(trpc.roles.list.queryOptions(undefined, { staleTime: 300_000 }));
  const catalog = useQuery(trpc.catalog.get.queryOptions(undefined, { staleTime: 300_000 }));
  // Empty values drop out when the view is written to the URL.
  const set = (patch: Partial<UsersFilter>) => onChange({ ...filter, ...patch });
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
  const active = Object.keys(filter).length > 0;

  return (
    <div className="flex flex-wrap items-center gap-2">
      <SearchBox
        label="Search users"
        placeholder="Search name or e-mail"
        value={filter.search ?? ''}
        onChange={(search) => set({ search })}
      />

      <DropdownMenu.Root>
        <DropdownMenu.Trigger asChild>
          <FilterTrigger label="Status" value={filter.status?.map(statusLabel).join(', ')} />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="start" sideOffset={4} className={menuContent}>
            {USER_STATUSES.map((status) => (
              <DropdownMenu.CheckboxItem
                key={status}
                className={menuItem}
                checked={filter.status?.includes(status) ?? false}
                onSelect={(e) => e.preventDefault()}
                onCheckedChange={() => set({ status: toggle(filter.status, status) })}
              >
                <Check checked={filter.status?.includes(status) ?? false} />
                {statusLabel(status)}
              </DropdownMenu.CheckboxItem>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>

      <button
        type="button"
        aria-pressed={filter.invitationExpired === true}
        onClick={() => set({ invitationExpired: filter.invitationExpired ? undefined : true })}
        className={`h-9 rounded-lg border px-3 text-sm font-medium shadow-sm ${
          filter.invitationExpired
            ? 'border-amber-300 bg-amber-50 text-amber-800'
            : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
        }`}
      >
        Invitation expired
      </button>

      <DropdownMenu.Root>
        <DropdownMenu.Trigger asChild>
          <FilterTrigger label="Role" value={roleNames?.join(', ')} />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="start" sideOffset={4} className={menuContent}>
            {roles.data?.map((role) => (
              <DropdownMenu.CheckboxItem
                key={role.id}
                className={menuItem}
                checked={filter.roleIds?.includes(role.id) ?? false}
                onSelect={(e) => e.preventDefault()}
                onCheckedChange={() => set({ roleIds: toggle(filter.roleIds, role.id) })}
              >
                <Check checked={filter.roleIds?.includes(role.id) ?? false} />
                {role.name}
              </DropdownMenu.CheckboxItem>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>

      <Popover.Root>
        <Popover.Trigger asChild>
          <FilterTrigger
            label="Module access"
            value={
              filter.module ? `${moduleLabel(filter.module.module)} ≥ ${filter.module.minLevel}` : undefined
            }
          />
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            align="start"
            sideOffset={4}
            className={`${menuContent} flex w-64 flex-col gap-3 p-4`}
          >
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
                  {level === 'read' ? 'Read' : 'Edit'}
                </label>
              ))}
            </fieldset>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>

      <Popover.Root>
        <Popover.Trigger asChild>
          <FilterTrigger
            label="Scope"
            value={unitName ? `${unitName}${filter.includeDescendants ? ' + below' : ''}` : undefined}
          />
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            align="start"
            sideOffset={4}
            className={`${menuContent} flex w-80 flex-col gap-3 p-4`}
          >
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
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>

      <DropdownMenu.Root>
        <DropdownMenu.Trigger asChild>
          <FilterTrigger label="Right" value={filter.right ? rightLabel(filter.right) : undefined} />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="start" sideOffset={4} className={menuContent}>
            <DropdownMenu.RadioGroup
              value={filter.right ?? ''}
              onValueChange={(right) => set({ right: right || undefined })}
            >
              <DropdownMenu.RadioItem value="" className={menuItem}>
                Any right
              </DropdownMenu.RadioItem>
              {RIGHTS.map((right) => (
                <DropdownMenu.RadioItem key={right} value={right} className={menuItem}>
                  <Check checked={filter.right === right} />
                  {rightLabel(right)}
                </DropdownMenu.RadioItem>
              ))}
            </DropdownMenu.RadioGroup>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>

      {active && (
        <Button variant="ghost" onClick={() => onChange({})}>
          Clear filters
        </Button>
      )}
    </div>
  );
}

function Check({ checked }: { checked: boolean }) {
  return (
    <span
      aria-hidden
      className={`flex h-4 w-4 items-center justify-center rounded border text-[10px] ${
        checked ? 'border-brand-600 bg-brand-600 text-white' : 'border-slate-300'
      }`}
    >
      {checked ? '✓' : ''}
    </span>
  );
}
