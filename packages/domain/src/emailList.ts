import { z } from 'zod';
import { normalizeEmail } from './auth';
import { EMAIL_LIST_MAX, EMAIL_LIST_MAX_CHARS } from './emailListLimits';
import { DomainError } from './errors';
import { storable } from './text';

export { EMAIL_LIST_MAX, EMAIL_LIST_MAX_CHARS };

/** `users.findByEmails`: the text the administrator pasted, read by `parseEmailList` on both sides. */
export const usersByEmailsInputSchema = z
  .object({
    text: storable(
      z
        .string()
        .max(
          EMAIL_LIST_MAX_CHARS,
          `A pasted list has at most ${EMAIL_LIST_MAX_CHARS.toLocaleString('en')} characters.`,
        ),
    ),
  })
  .strict();
export type UsersByEmailsInput = z.infer<typeof usersByEmailsInputSchema>;

export type ParsedEmailList = {
  /** Distinct addresses, trimmed and lower-cased, in the order they first appear. */
  emails: string[];
  /** Words with an `@` that are not e-mail addresses, as written. */
  invalid: string[];
  /** How many addresses were repeats of an earlier one (in any case). */
  duplicates: number;
};

/** The very pattern `z.email()` (and so sign-in's `emailSchema`) checks. */
const EMAIL_PATTERN = z.regexes.email;
/**
 * What separates addresses in whatever was pasted: white space, commas, semicolons, and the quotes
 * and brackets of `"Ana Silva" <ana@acme.com>` or a spreadsheet's cells.
 */
const SEPARATORS = /[\s,;<>"'()[\]{}|]+/;

/**
 * Reads the e-mail addresses out of a pasted text with any separators (one a line, a column of a
 * spreadsheet, an address-book line like `Ana Silva <ana@acme.com>; bob@acme.com`). Words without
 * an `@` (names) are skipped; `mailto:` is dropped; trailing full stops are dropped.
 */
export function parseEmailList(text: string): ParsedEmailList {
  const emails: string[] = [];
  const seen = new Set<string>();
  const invalid: string[] = [];
  let duplicates = 0;
  for (const word of text.split(SEPARATORS)) {
    if (!word.includes('@')) continue;
    const candidate = word.replace(/^mailto:/i, '').replace(/\.+$/, '');
    const email = normalizeEmail(candidate);
    if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
      invalid.push(word);
      continue;
    }
    if (seen.has(email)) {
      duplicates++;
      continue;
    }
    seen.add(email);
    emails.push(email);
  }
  return { emails, invalid, duplicates };
}

/** The list's addresses, refused (`too_many_emails`) when there are more than EMAIL_LIST_MAX. */
export function emailsOfList(parsed: ParsedEmailList): string[] {
  if (parsed.emails.length > EMAIL_LIST_MAX) throw new DomainError('too_many_emails');
  return parsed.emails;
}
