/** A column named for screen readers only (an actions column, say). */
type Column = string | { label: string; hidden: true };

/** The header row of the console's plain tables: small grey capitals on a light band. */
export function TableHead({ columns, dense = false }: { columns: readonly Column[]; dense?: boolean }) {
  const cell = dense ? 'px-4 py-2.5' : 'px-5 py-3';
  return (
    <thead className="bg-slate-50 text-xs font-medium uppercase tracking-wide text-slate-500">
      <tr>
        {columns.map((column) =>
          typeof column === 'string' ? (
            <th key={column} className={cell}>
              {column}
            </th>
          ) : (
            <th key={column.label} className={cell}>
              <span className="sr-only">{column.label}</span>
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
