import { labelOf, MODULE_LABELS, MODULES } from '@roster/domain';

export function moduleLabel(module: string): string {
  return labelOf(MODULE_LABELS, module);
}

/** `module:level` pairs as compact chips: filled for edit, outlined for read. */
export function ModuleAccessSummary({ access }: { access: readonly string[] }) {
  if (access.length === 0) return <span className="text-xs text-slate-600">No module access</span>;
  const byModule = new Map(
    access.map((pair) => {
      const [module = '', level = ''] = pair.split(':');
      return [module, level];
    }),
  );
  const shown = MODULES.filter((m) => byModule.has(m));
  const title = shown.map((m) => `${moduleLabel(m)}: ${byModule.get(m)}`).join(', ');
  return (
    <span className="flex flex-nowrap items-center gap-1" title={title}>
      {shown.slice(0, 2).map((m) => (
        <span
          key={m}
          className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${
            byModule.get(m) === 'edit'
              ? 'bg-brand-100 text-brand-700'
              : 'text-slate-600 ring-1 ring-inset ring-slate-200'
          }`}
        >
          {moduleLabel(m)}
        </span>
      ))}
      {shown.length > 2 && <span className="px-1 text-[11px] text-slate-600">+{shown.length - 2}</span>}
    </span>
  );
}
