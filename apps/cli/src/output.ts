/** Everything the CLI prints goes through here: results on stdout, messages and progress on stderr. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printNote(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** 12,345 */
export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

/** `1 user`, `2 users`: the domain's. */
export { plural } from '@roster/domain';

/** 2026-03-02 09:00 (UTC), for tables. */
export function formatTime(at: Date | null | undefined): string {
  return at ? `${at.toISOString().slice(0, 16).replace('T', ' ')}` : '—';
}

export type Column<Row> = { title: string; value: (row: Row) => string; align?: 'right' };

/** Rows as aligned columns under a header; the last column is never padded. */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string[] {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, i) => {
        if (i === line.length - 1 && columns[i]?.align !== 'right') return cell;
        const width = widths[i] ?? 0;
        return columns[i]?.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.title)), ...cells.map(render)];
}
