/** Everything the CLI prints goes through here: results on stdout, messages and progress on stderr. */
import { once } from 'node:events';

/** Whether a command has begun a document of another kind on stdout (`streamToStdout`). */
let stdoutHoldsDocument = false;

/**
 * Streams a document (the users export's CSV) to stdout, and rejects with the document's error when
 * it breaks off. Once its first bytes are out, stdout is that document's: a refusal after them is
 * printed on stderr alone (`mayPrintJsonError`), never as JSON appended to the CSV a script is
 * reading. Written chunk by chunk rather than through `pipeline`, which destroys stdout with the
 * document's error (stdout's own error handler then threw it, uncaught).
 */
export async function streamToStdout(document: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of document) await printDocumentPart(chunk);
}

/**
 * A part of a document of another kind than the command's JSON (CSV) on stdout, as it comes: it
 * waits while stdout is full, and from it on an error is not printed there as JSON (`mayPrintJsonError`).
 */
export async function printDocumentPart(part: string | Uint8Array): Promise<void> {
  stdoutHoldsDocument = true;
  if (!process.stdout.write(part)) await once(process.stdout, 'drain');
}

/** Whether an error may still be printed as JSON on stdout (`--json`): no other document began there. */
export function mayPrintJsonError(): boolean {
  return !stdoutHoldsDocument;
}

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
