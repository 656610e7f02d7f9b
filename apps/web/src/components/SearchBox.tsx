import { useEffect, useRef, useState } from 'react';

/** A search field that reports what was typed once typing pauses for a moment. */
export function SearchBox({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const [text, setText] = useState(value);
  // What this box last reported: its echo in `value` is no news (the person may have typed on since,
  // or typed a space the value drops), while any other new value (a filter cleared, Back) replaces
  // the text.
  const reported = useRef(value);
  useEffect(() => {
    if (value.trim() === reported.current.trim()) return;
    reported.current = value;
    setText(value);
  }, [value]);
  // The pause is timed from the last keystroke only: a page that renders again meanwhile (a new
  // `onChange` each time) does not restart it.
  const report = useRef(onChange);
  report.current = onChange;
  useEffect(() => {
    if (text.trim() === reported.current.trim()) return;
    const timer = setTimeout(() => {
      reported.current = text;
      report.current(text);
    }, 250);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <div className="relative w-full sm:w-auto">
      <svg
        aria-hidden
        viewBox="0 0 20 20"
        className="absolute top-2.5 left-3 h-4 w-4 text-slate-500"
        fill="currentColor"
      >
        <path d="M8.5 3a5.5 5.5 0 0 1 4.38 8.82l3.65 3.65a.75.75 0 1 1-1.06 1.06l-3.65-3.65A5.5 5.5 0 1 1 8.5 3Zm0 1.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z" />
      </svg>
      <input
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        className="h-9 w-full rounded-lg sm:w-72 border border-slate-300 bg-white pr-3 pl-9 text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
      />
    </div>
  );
}
