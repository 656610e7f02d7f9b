const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });
const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });

export function formatDateTime(value: Date | null | undefined): string {
  return value ? dateTime.format(value) : '—';
}

export function formatDate(value: Date | null | undefined): string {
  return value ? date.format(value) : '—';
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

/** "2 Dec": for dates close to now, where the year goes without saying. */
export function formatDayMonth(value: Date): string {
  return dayMonth.format(value);
}
