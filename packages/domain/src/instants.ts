import { z } from 'zod';

/**
 * The years a date or an instant sent to Roster may fall in (UTC). PostgreSQL reads none of year 0
 * ("0000-01-01" is out of its range), and past 9999 JavaScript writes a year with six digits and a
 * sign ("+010000-01-01"), which PostgreSQL does not read either; the last year is 9998 so that the
 * end of a day, or an instant's offset, still falls in year 9999 at the latest.
 */
export const FIRST_SUPPORTED_YEAR = 1;
export const LAST_SUPPORTED_YEAR = 9998;

/** The last day a day field may hold (a date input's `max`). */
export const LAST_SUPPORTED_DAY = `${LAST_SUPPORTED_YEAR}-12-31`;

export const UNSUPPORTED_YEAR_MESSAGE = `A date falls between the years ${FIRST_SUPPORTED_YEAR} and ${LAST_SUPPORTED_YEAR}.`;

/** Whether an instant is a valid date in the supported years (`FIRST_SUPPORTED_YEAR`…). */
export function isSupportedInstant(at: Date): boolean {
  const year = at.getUTCFullYear();
  return !Number.isNaN(at.getTime()) && year >= FIRST_SUPPORTED_YEAR && year <= LAST_SUPPORTED_YEAR;
}

/** Whether a day or an instant written as ISO 8601 text falls in the supported years. */
export const inSupportedYears = (text: string) => isSupportedInstant(new Date(text));

/** An instant as ISO 8601 text with its offset (`2026-03-01T09:00:00+01:00`), in the supported years. */
export const supportedInstantSchema = z.iso
  .datetime({ offset: true })
  .refine(inSupportedYears, UNSUPPORTED_YEAR_MESSAGE);
