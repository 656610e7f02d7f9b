import { z } from 'zod';

/**
 * The years an instant sent to Roster may fall in (UTC). PostgreSQL reads none of year 0
 * ("0000-01-01" is out of its range), and past 9999 JavaScript writes a year with six digits and a
 * sign ("+010000-01-01"), which PostgreSQL does not read either.
 */
export const FIRST_SUPPORTED_YEAR = 1;
export const LAST_SUPPORTED_YEAR = 9999;

/**
 * The last whole day a day field may hold (a date input's `max`): a day "to" is read up to the start
 * of the next one, in any time zone, which must still fall in `LAST_SUPPORTED_YEAR`.
 */
export const LAST_SUPPORTED_DAY = `${LAST_SUPPORTED_YEAR - 1}-12-31`;
const FIRST_SUPPORTED_DAY = `${String(FIRST_SUPPORTED_YEAR).padStart(4, '0')}-01-01`;

export const UNSUPPORTED_YEAR_MESSAGE = `A date falls between the years ${FIRST_SUPPORTED_YEAR} and ${LAST_SUPPORTED_YEAR} (a whole day at most ${LAST_SUPPORTED_DAY}).`;

/** Whether an instant is a valid date in the supported years (`FIRST_SUPPORTED_YEAR`…). */
export function isSupportedInstant(at: Date): boolean {
  const year = at.getUTCFullYear();
  return !Number.isNaN(at.getTime()) && year >= FIRST_SUPPORTED_YEAR && year <= LAST_SUPPORTED_YEAR;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether a day (`2026-03-01`, between the first supported day and `LAST_SUPPORTED_DAY`) or an
 * instant written as ISO 8601 text (in the supported years) is one Roster takes.
 */
export const inSupportedYears = (text: string) =>
  DAY.test(text)
    ? text >= FIRST_SUPPORTED_DAY && text <= LAST_SUPPORTED_DAY
    : isSupportedInstant(new Date(text));

/** An instant as ISO 8601 text with its offset (`2026-03-01T09:00:00+01:00`), in the supported years. */
export const supportedInstantSchema = z.iso
  .datetime({ offset: true })
  .refine(inSupportedYears, UNSUPPORTED_YEAR_MESSAGE);
