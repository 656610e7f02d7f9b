const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

export function formatDateTime(value: Date | null | undefined): string {
  return value ? dateTime.format(value) : '—';
}

export function formatDate(value: Date | null | undefined): string {
  return value ? date.format(value) : '—';
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}
