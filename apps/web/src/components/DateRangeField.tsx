/** A range of calendar days (`YYYY-MM-DD`, empty for an open end). */
export type DayRange = { from: string; to: string };

type End = {
  /** The visible label, e.g. "From". */
  label: string;
  /** The input's accessible name when it differs from the label, e.g. "Created from". */
  name?: string;
};

/**
 * Two day inputs, from and to, each bounded by the other (the browser's picker offers no day past
 * the other end). `onChange` gets the end that moved.
 */
export function DateRangeField({
  from,
  to,
  value,
  onChange,
  labelClassName = 'flex flex-col gap-1 text-sm text-slate-700',
  inputClassName = 'rounded-md border border-slate-300 px-2 py-1.5 text-sm',
}: {
  from: End;
  to: End;
  value: DayRange;
  onChange: (patch: Partial<DayRange>) => void;
  /** The look of each end where it sits (a filter bar's smaller labels, taller inputs). */
  labelClassName?: string;
  inputClassName?: string;
}) {
  const ends: { key: keyof DayRange; end: End; bounds: { min?: string; max?: string } }[] = [
    { key: 'from', end: from, bounds: value.to ? { max: value.to } : {} },
    { key: 'to', end: to, bounds: value.from ? { min: value.from } : {} },
  ];
  return ends.map(({ key, end, bounds }) => (
    <label key={key} className={labelClassName}>
      {end.label}
      <input
        type="date"
        aria-label={end.name}
        className={inputClassName}
        value={value[key]}
        {...bounds}
        onChange={(e) => onChange({ [key]: e.target.value })}
      />
    </label>
  ));
}
