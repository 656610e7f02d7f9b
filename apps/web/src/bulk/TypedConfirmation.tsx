import type { ReactNode } from 'react';
import { TypedNumberField } from './TypedNumberField';

const TONES = {
  red: { box: 'border-red-300 bg-red-50', title: 'text-red-900', text: 'text-red-900' },
  amber: { box: 'border-amber-300 bg-amber-50', title: 'text-amber-900', text: 'text-amber-900/80' },
} as const;

/**
 * A warning confirmed by typing a number: what the operation does (the title), why it matters and
 * which number to type (`children`), then the field. `expected` is the number Apply waits for.
 */
export function TypedConfirmation({
  testId,
  expected,
  tone,
  title,
  label,
  value,
  onChange,
  children,
}: {
  testId: string;
  expected: number;
  tone: keyof typeof TONES;
  title: ReactNode;
  /** The field's label. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <fieldset
      data-testid={testId}
      data-expected={expected}
      className={`rounded-lg border p-4 ${TONES[tone].box}`}
    >
      <legend className={`float-left text-sm font-semibold ${TONES[tone].title}`}>{title}</legend>
      <p className={`clear-left pt-1 text-sm ${TONES[tone].text}`}>{children}</p>
      <TypedNumberField label={label} value={value} onChange={onChange} tone={tone} />
    </fieldset>
  );
}
