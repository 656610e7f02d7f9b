import {
  BULK_OPERATION_KINDS,
  type BulkOperationKind,
  LISTED_OPERATION_STATUSES,
  type OperationFilters,
  operationFiltersSchema,
} from '@roster/domain';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useId } from 'react';
import { DateRangeField } from '../components/DateRangeField';
import { useTRPC } from '../lib/trpc';
import { kindLabel, STATUS_LABELS } from './operationLabels';

/** The Operations history's filters as the URL holds them: `?kind=&by=&status=&from=&to=` (days). */
export type OperationsUrlFilters = {
  kind: string;
  by: string;
  status: string;
  from: string;
  to: string;
};

export const FILTER_PARAMS = ['kind', 'by', 'status', 'from', 'to'] as const;

/** Every filter emptied ("Clear filters"). */
export const NO_FILTERS: OperationsUrlFilters = { kind: '', by: '', status: '', from: '', to: '' };

/** "Clear filters": in the filter bar, and where no operation matches them. */
export function ClearFiltersButton({
  onChange,
  className,
}: {
  onChange: (next: OperationsUrlFilters) => void;
  className: string;
}) {
  return (
    <button
      type="button"
      className={`text-sm font-medium text-brand-700 ${className}`}
      onClick={() => onChange(NO_FILTERS)}
    >
      Clear filters
    </button>
  );
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The start of a local day (`2026-12-02`), as an instant; null for anything else. */
function startOfDay(day: string, plusDays = 0): string | undefined {
  if (!DAY.test(day)) return undefined;
  const [y = 0, m = 1, d = 1] = day.split('-').map(Number);
  const at = new Date(y, m - 1, d + plusDays);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * What `bulk.list` is asked for: the URL's filters as the domain's schema takes them (days from the
 * start of `from` to the end of `to`, in the administrator's time zone); a value it refuses is left out.
 */
export function listFilters(url: OperationsUrlFilters): OperationFilters {
  const candidate = {
    kind: url.kind || undefined,
    actor: url.by || undefined,
    status: url.status || undefined,
    createdFrom: startOfDay(url.from),
    createdTo: startOfDay(url.to, 1),
  };
  const filters: OperationFilters = {};
  for (const [key, value] of Object.entries(candidate)) {
    if (value === undefined) continue;
    const parsed = operationFiltersSchema.safeParse({ [key]: value });
    if (parsed.success) Object.assign(filters, parsed.data);
  }
  return filters;
}

const field = 'h-9 rounded-lg border border-slate-300 bg-white px-2 text-sm text-slate-800 shadow-sm';

function Labelled({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

/** Kind, who started it, status and the days it was started in: each kept in the URL. */
export function OperationsFilterBar({
  value,
  onChange,
}: {
  value: OperationsUrlFilters;
  onChange: (next: Partial<OperationsUrlFilters>) => void;
}) {
  const trpc = useTRPC();
  const actors = useQuery(trpc.bulk.actors.queryOptions());
  const any = Object.values(value).some(Boolean);
  return (
    <form
      aria-label="Filter operations"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => e.preventDefault()}
    >
      <Labelled label="Operation">
        {(id) => (
          <select
            id={id}
            className={field}
            value={value.kind}
            onChange={(e) => onChange({ kind: e.target.value })}
          >
            <option value="">Any operation</option>
            {BULK_OPERATION_KINDS.map((kind: BulkOperationKind) => (
              <option key={kind} value={kind}>
                {kindLabel(kind)}
              </option>
            ))}
          </select>
        )}
      </Labelled>
      <Labelled label="Started by">
        {(id) => (
          <select
            id={id}
            className={`${field} max-w-56`}
            value={value.by}
            onChange={(e) => onChange({ by: e.target.value })}
          >
            <option value="">Anyone</option>
            {(actors.data ?? []).map((actor) => (
              <option key={actor.id} value={actor.id}>
                {actor.name === actor.email ? actor.email : `${actor.name} (${actor.email})`}
              </option>
            ))}
          </select>
        )}
      </Labelled>
      <Labelled label="Status">
        {(id) => (
          <select
            id={id}
            className={field}
            value={value.status}
            onChange={(e) => onChange({ status: e.target.value })}
          >
            <option value="">Any status</option>
            {LISTED_OPERATION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        )}
      </Labelled>
      <DateRangeField
        from={{ label: 'Started from' }}
        to={{ label: 'to' }}
        value={value}
        onChange={onChange}
        labelClassName="flex flex-col gap-1 text-xs font-medium text-slate-600"
        inputClassName={field}
      />
      {any && <ClearFiltersButton onChange={onChange} className="h-9 rounded-lg px-3 hover:bg-brand-50" />}
    </form>
  );
}
