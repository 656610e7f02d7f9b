import { OPTIONAL_USER_COLUMNS, type OptionalUserColumn, USER_COLUMN_LABELS } from '@roster/domain';
import { z } from 'zod';

/** The users table's optional columns (the domain's vocabulary, shared with the CSV export). */
export { OPTIONAL_USER_COLUMNS, type OptionalUserColumn };

export const OPTIONAL_USER_COLUMN_LABELS: Record<OptionalUserColumn, string> = USER_COLUMN_LABELS;

/** Shown until the administrator chooses: name, e-mail, role, status and module access fit at 1440 px. */
export const DEFAULT_USER_COLUMNS: readonly OptionalUserColumn[] = [];

const stored = z.array(z.enum(OPTIONAL_USER_COLUMNS));

/** Each administrator's choice is kept in this browser, under their own key. */
export const userColumnsKey = (adminId: string) => `roster.users.columns.${adminId}`;

/** The choice stored for this administrator, or the default when there is none (or it is unreadable). */
export function readUserColumns(storage: Pick<Storage, 'getItem'>, adminId: string): OptionalUserColumn[] {
  try {
    const parsed = stored.safeParse(JSON.parse(storage.getItem(userColumnsKey(adminId)) ?? 'null'));
    return parsed.success ? parsed.data : [...DEFAULT_USER_COLUMNS];
  } catch {
    return [...DEFAULT_USER_COLUMNS];
  }
}

export function writeUserColumns(
  storage: Pick<Storage, 'setItem'>,
  adminId: string,
  columns: readonly OptionalUserColumn[],
): void {
  // In the table's order, whatever the order of the clicks.
  const ordered = OPTIONAL_USER_COLUMNS.filter((c) => columns.includes(c));
  try {
    storage.setItem(userColumnsKey(adminId), JSON.stringify(ordered));
  } catch {
    // Storage full or refused (private mode): the choice lasts as long as the page.
  }
}
