/**
 * One CSV cell, quoted when needed. A cell a spreadsheet would run as a formula (starting with
 * `=`, `+`, `-`, `@`, or a tab or carriage return) gets a leading apostrophe (SPEC §3).
 */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
