import { IMPORT_LIMITS } from '@roster/domain';
import { type DragEvent, useId, useState } from 'react';
import { formatCount } from '../lib/format';

/** Drop a CSV file here, or pick one. */
/** `busy`: what the page is doing with the file just given (another cannot be given meanwhile). */
export function FileDropZone({ onFile, busy }: { onFile: (file: File) => void; busy: string | null }) {
  const id = useId();
  const [over, setOver] = useState(false);
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && busy === null) onFile(file);
  };
  return (
    <label
      htmlFor={id}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      className={`flex cursor-pointer flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed p-10 text-center transition-colors ${
        over ? 'border-brand-500 bg-brand-50' : 'border-slate-300 bg-white hover:border-slate-400'
      }`}
    >
      <svg
        aria-hidden
        viewBox="0 0 24 24"
        className="h-8 w-8 text-slate-500"
        fill="none"
        stroke="currentColor"
      >
        <path
          strokeWidth="1.5"
          strokeLinecap="round"
          d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2"
        />
      </svg>
      <span className="text-sm font-medium text-slate-800">
        {busy ?? 'Drop a CSV file here, or click to choose one'}
      </span>
      <span className="text-xs text-slate-500">
        UTF-8, comma or semicolon separated; up to {formatCount(IMPORT_LIMITS.maxRows)} rows and{' '}
        {IMPORT_LIMITS.maxBytes / 1024 / 1024} MB.
      </span>
      <input
        id={id}
        type="file"
        accept=".csv,text/csv"
        aria-label="CSV file"
        className="sr-only"
        disabled={busy !== null}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file && busy === null) onFile(file);
          e.target.value = '';
        }}
      />
    </label>
  );
}
