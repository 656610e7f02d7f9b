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

const dayMonthTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const dayMonthYearTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** "2 Dec 14:05" this year, "2 Dec 2025 14:05" before: when something happened, in activity sentences. */
export function formatEventTime(value: Date, now: Date): string {
  const format = value.getFullYear() === now.getFullYear() ? dayMonthTime : dayMonthYearTime;
  return format.format(value).replace(',', '').replace(' at ', ' ');
}

/** "1 user", "2,048 users": the domain's, one definition for web, CLI and the domain's sentences. */
export { plural } from '@roster/domain';
