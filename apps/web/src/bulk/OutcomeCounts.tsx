import { OUTCOMES, type Outcome } from '@roster/domain';
import { formatCount } from '../lib/format';
import { OUTCOME_STYLES } from './operationLabels';

type Props = {
  counts: Partial<Record<Outcome, number>>;
  labels: Partial<Record<Outcome, string>>;
  /** With a handler, each count is a filter button; `selected` is the active one. */
  selected?: Outcome | null;
  onSelect?: (outcome: Outcome) => void;
};

/** The number of users per outcome, as a row of tiles (preview and results). */
export function OutcomeCounts({ counts, labels, selected, onSelect }: Props) {
  const outcomes = OUTCOMES.filter((o) => labels[o] !== undefined && counts[o] !== undefined);
  return (
    <div className="grid gap-2" style={{ gridTemplateColumns: `repeat(${outcomes.length}, minmax(0, 1fr))` }}>
      {outcomes.map((outcome) => {
        const n = counts[outcome] ?? 0;
        const body = (
          <>
            <span
              className={`text-2xl font-semibold tabular-nums ${n ? OUTCOME_STYLES[outcome].text : 'text-slate-300'}`}
            >
              {formatCount(n)}
            </span>
            <span className="text-xs font-medium text-slate-500">{labels[outcome]}</span>
          </>
        );
        const tile = 'flex flex-col items-start gap-0.5 rounded-lg border px-3 py-2.5 text-left';
        return onSelect ? (
          <button
            key={outcome}
            type="button"
            data-testid={`count-${outcome}`}
            data-count={n}
            aria-pressed={selected === outcome}
            onClick={() => onSelect(outcome)}
            className={`${tile} transition-colors ${
              selected === outcome
                ? 'border-brand-300 bg-brand-50 ring-1 ring-brand-300'
                : 'border-slate-200 bg-white hover:bg-slate-50'
            }`}
          >
            {body}
          </button>
        ) : (
          <div
            key={outcome}
            data-testid={`count-${outcome}`}
            data-count={n}
            className={`${tile} border-slate-200 bg-white`}
          >
            {body}
          </div>
        );
      })}
    </div>
  );
}
