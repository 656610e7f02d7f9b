import { LAST_SUPPORTED_DAY } from '@roster/domain';
import { useState } from 'react';

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
  // No day past the last one the server takes (the picker offers none; typed, the server says why).
  const ends: { key: keyof DayRange; end: End; bounds: { min?: string; max: string } }[] = [
    { key: 'from', end: from, bounds: { max: value.to || LAST_SUPPORTED_DAY } },
    { key: 'to', end: to, bounds: { ...(value.from ? { min: value.from } : {}), max: LAST_SUPPORTED_DAY } },
  ];
  return ends.map(({ key, end, bounds }) => (
    <DayInput
      key={key}
      end={end}
      labelClassName={labelClassName}
      inputClassName={inputClassName}
      value={value[key]}
      bounds={bounds}
      onChange={(day) => onChange({ [key]: day })}
    />
  ));
}

/**
 * Whether a day input's value is one to pass on: cleared, or a day of a four-digit year up to the last
 * the server takes (past it the field shows itself invalid, and the filter stays as it was). A year is
 * typed digit by digit, and the browser reports each step as a whole date (2 → 0002-01-31, 20 →
 * 0020-01-31, …): passed on, each would change the filter, and the value written back would restart
 * the typing of the year.
 */
function isDayToPassOn(day: string): boolean {
  return day === '' || (/^[1-9]\d{3}-\d{2}-\d{2}$/.test(day) && day <= LAST_SUPPORTED_DAY);
}

/** One end, labelled: what is being typed stays in the field until it is a day to pass on. */
function DayInput({
  end,
  labelClassName,
  inputClassName,
  value,
  bounds,
  onChange,
}: {
  end: End;
  labelClassName: string;
  inputClassName: string;
  value: string;
  bounds: { min?: string; max: string };
  onChange: (day: string) => void;
}) {
  // What is typed while the field has focus (null otherwise) wins over `value`: the URL's echo of a
  // day passed on arrives a moment later, and setting the field's value would restart the typing of
  // its year. Without focus the field shows `value` (a chip cleared, the URL).
  const [typed, setTyped] = useState<string | null>(null);
  return (
    <label className={labelClassName}>
      {end.label}
      <input
        type="date"
        aria-label={end.name}
        className={`${inputClassName} invalid:border-red-600 invalid:text-red-700`}
        value={typed ?? value}
        {...bounds}
        onFocus={() => setTyped(value)}
        onBlur={() => setTyped(null)}
        onChange={(e) => {
          if (typed !== null) setTyped(e.target.value);
          // A day half typed (a month, no year yet) reads as empty: it clears nothing.
          if (!e.target.validity.badInput && isDayToPassOn(e.target.value)) onChange(e.target.value);
        }}
      />
    </label>
  );
}
