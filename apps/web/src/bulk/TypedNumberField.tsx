import { useId } from 'react';

const TONES = {
  red: {
    label: 'text-red-900',
    input: 'border-red-300 focus:border-red-500 focus:ring-red-500/30',
  },
  amber: {
    label: 'text-amber-900',
    input: 'border-amber-300 focus:border-amber-500 focus:ring-amber-500/30',
  },
} as const;

/** The number an administrator types to confirm an operation (a typed count), in its warning's colour. */
export function TypedNumberField({
  label,
  value,
  onChange,
  tone,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  tone: keyof typeof TONES;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className={`mt-3 block text-xs font-medium ${TONES[tone].label}`}>
        {label}
      </label>
      <input
        id={id}
        inputMode="numeric"
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={`mt-1 h-9 w-32 rounded-md border bg-white px-3 text-sm tabular-nums focus:outline-none focus:ring-2 ${TONES[tone].input}`}
      />
    </>
  );
}
