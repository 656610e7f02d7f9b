import type { ImportRow } from '../src';

/** A valid import row (Ada Lovelace, a Reader, on line 2) with these fields instead. */
export const importRow = (fields: Partial<ImportRow> = {}): ImportRow => ({
  line: 2,
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  role: 'Reader',
  copyAccessFrom: '',
  ...fields,
});
