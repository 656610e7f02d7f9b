// Free of zod on purpose: the invitation page imports these rules and nothing else of the domain.

/** Password rules for people who choose their own: length over composition (NIST SP 800-63B). */
export const PASSWORD_RULES = { minLength: 12, maxLength: 128 } as const;

export type PasswordProblem = 'too_short' | 'too_long' | 'repetitive' | 'contains_personal_data';

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Use at least ${PASSWORD_RULES.minLength} characters.`,
  too_long: `Use at most ${PASSWORD_RULES.maxLength} characters.`,
  repetitive: 'Use more than one or two different characters.',
  contains_personal_data: 'Do not use your name or e-mail address in your password.',
};

/** Every rule the password breaks, in the order the form lists them; empty when it is fine. */
export function passwordProblems(
  password: string,
  person: { email: string; firstName?: string; lastName?: string },
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < PASSWORD_RULES.minLength) problems.push('too_short');
  if (length > PASSWORD_RULES.maxLength) problems.push('too_long');
  if (length > 0 && new Set(password.toLowerCase()).size <= 2) problems.push('repetitive');
  const lower = password.toLowerCase();
  const personal = [person.email.split('@')[0] ?? '', person.firstName ?? '', person.lastName ?? '']
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length >= 3);
  if (personal.some((part) => lower.includes(part))) problems.push('contains_personal_data');
  return problems;
}
