/** The tick box drawn beside a menu choice that can be ticked (the item itself carries the state). */
export function CheckMark({ checked }: { checked: boolean }) {
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
