import { IMPORT_COLUMNS, type ImportColumn, type ImportColumnMapping } from '@roster/domain';

/** Which header of the file feeds each column; changing one re-reads the file with the new mapping. */
export function ColumnMapping({
  headers,
  mapping,
  onChange,
}: {
  headers: readonly string[];
  mapping: ImportColumnMapping;
  onChange: (mapping: ImportColumnMapping) => void;
}) {
  const set = (column: ImportColumn, value: string) =>
    onChange({ ...mapping, [column]: value === '' ? null : Number(value) });
  return (
    <fieldset className="rounded-xl border border-slate-200 bg-white p-5">
      <legend className="float-left text-sm font-semibold text-slate-900">Columns</legend>
      <p className="clear-left pt-1 text-sm text-slate-500">
        Which column of your file holds each value. Columns you leave out are not imported.
      </p>
      <div className="mt-4 grid grid-cols-[10rem_1fr] items-center gap-x-4 gap-y-2 sm:grid-cols-[10rem_16rem]">
        {IMPORT_COLUMNS.map((column) => (
          <label key={column} className="contents text-sm">
            <span className="text-slate-700">
              <code className="font-mono text-xs">{column}</code>
              {column === 'email' && <span className="text-red-600"> (required)</span>}
            </span>
            <select
              aria-label={`Column for ${column}`}
              value={mapping[column] ?? ''}
              onChange={(e) => set(column, e.target.value)}
              className="h-9 rounded-lg border border-slate-300 bg-white px-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
            >
              <option value="">— not imported —</option>
              {headers.map((header, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a file's headers are fixed and may repeat; the position is what identifies one
                <option key={index} value={index}>
                  {header || `(column ${index + 1})`}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
