import { describeChange, type Names } from './describeChange';

/** One user's change, field by field: before → after, or the members a set gains and loses. */
export function ChangeDiff({ before, after, names }: { before: unknown; after: unknown; names: Names }) {
  const lines = describeChange(before, after, names);
  if (lines.length === 0) return null;
  return (
    <ul className="flex flex-col gap-1 text-xs" aria-label="Changes">
      {lines.map((line) => (
        <li key={line.label} className="flex flex-wrap items-baseline gap-x-1.5 gap-y-1">
          <span className="min-w-20 text-slate-500">{line.label}</span>
          {line.kind === 'value' ? (
            <>
              <span className="text-slate-500 line-through decoration-slate-300">{line.before}</span>
              <span aria-hidden className="text-slate-500">
                →
              </span>
              <span className="sr-only">becomes</span>
              <span className="font-medium text-slate-900">{line.after}</span>
            </>
          ) : (
            <>
              {line.added.map((name) => (
                <span key={`+${name}`} className="rounded bg-emerald-50 px-1.5 py-0.5 text-emerald-800">
                  + {name}
                </span>
              ))}
              {line.removed.map((name) => (
                <span key={`-${name}`} className="rounded bg-rose-50 px-1.5 py-0.5 text-rose-700">
                  − {name}
                </span>
              ))}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
