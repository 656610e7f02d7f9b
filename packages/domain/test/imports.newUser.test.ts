import { describe, expect, it } from 'vitest';
import {
  DomainError,
  decideImportRow,
  type ImportFacts,
  type NewUserInput,
  newUserImportRow,
  newUserInputSchema,
  newUserRefusal,
  validateImportRows,
} from '../src';

const facts: ImportFacts = {
  emailExists: (email) => email === 'taken@x.test',
  role: (name) =>
    ['reader', 'buyer', 'administrator'].includes(name.trim().toLowerCase() || 'reader')
      ? { isAdmin: name.trim().toLowerCase() === 'administrator' }
      : undefined,
  sourceExists: (email) => email === 'source@x.test',
  isEmailOfThisImport: () => false,
};

const input = (fields: Partial<NewUserInput>): NewUserInput => ({
  operationId: '0190a3c4-0000-7000-8000-000000000001',
  email: 'new@x.test',
  invite: false,
  ...fields,
});

/** The new user's row, decided by the import's own rules. */
function decided(fields: Partial<NewUserInput>) {
  const [row] = validateImportRows([newUserImportRow(input(fields))]);
  if (!row) throw new Error('no row');
  return decideImportRow(row, facts);
}

describe('New user: a one-row import', () => {
  it('is line 1 of a file of one row, its absent cells empty', () => {
    expect(newUserImportRow(input({ firstName: 'Grace' }))).toEqual({
      line: 1,
      email: 'new@x.test',
      firstName: 'Grace',
      lastName: '',
      role: '',
      copyAccessFrom: '',
    });
  });

  it('is created when the import would create the row', () => {
    expect(newUserRefusal(decided({ role: 'Buyer', copyAccessFrom: 'SOURCE@x.test' }))).toBeNull();
  });

  it.each([
    [{ email: 'Taken@x.test' }, 'already_exists', 'email', 'A user with this e-mail already exists.'],
    [{ email: '' }, 'missing_email', 'email', 'The e-mail is empty.'],
    [{ email: 'nope' }, 'invalid_email', 'email', 'This is not a valid e-mail address.'],
    [{ email: `${'a'.repeat(300)}@x.test` }, 'too_long', 'email', 'The e-mail has more than 254 characters.'],
    [{ lastName: 'x'.repeat(101) }, 'too_long', 'lastName', 'The last name has more than 100 characters.'],
    [{ firstName: 'a\nb' }, 'invalid_characters', 'firstName', undefined],
    [{ role: 'Astronaut' }, 'unknown_role', 'role', 'No role is named “Astronaut”.'],
    [{ copyAccessFrom: 'who' }, 'invalid_source_email', 'copyAccessFrom', undefined],
    [{ copyAccessFrom: 'ghost@x.test' }, 'unknown_source_user', 'copyAccessFrom', undefined],
  ])('%j is refused with the import reason %s, on the field %s', (fields, code, field, message) => {
    const refusal = newUserRefusal(decided(fields));
    expect(refusal).toBeInstanceOf(DomainError);
    expect({ code: refusal?.code, field: refusal?.field }).toEqual({ code, field });
    if (message) expect(refusal?.message).toBe(message);
  });

  it('takes the import row cells and the commit choices, nothing else', () => {
    expect(newUserInputSchema.safeParse(input({ role: 'Reader', invite: true })).success).toBe(true);
    expect(newUserInputSchema.safeParse({ ...input({}), roleId: 'x' }).success).toBe(false);
    expect(newUserInputSchema.safeParse({ ...input({}), operationId: 'x' }).success).toBe(false);
  });
});
