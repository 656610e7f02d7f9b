import { createInterface } from 'node:readline/promises';
import { privilegedConfirmationCount, privilegedConfirmationSentence } from '@roster/domain';
import { RefusedError, UsageError } from './cliErrors';
import { formatCount } from './output';

export type ConfirmRequest = {
  /** `--yes`: apply without asking. */
  yes: boolean;
  /** What will happen, as a question: `Assign role “Reader” to 12 users?` */
  question: string;
  /** Users who will become administrators, and who will lose the role: the person types their number, as in the web app. */
  becomeAdministrators?: number;
  loseAdministratorRole?: number;
  /** An operation that locks many people out: the number of users it is applied to, typed (`countToConfirm`). */
  count?: number | null;
};

async function ask(question: string): Promise<string> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await readline.question(question)).trim();
  } finally {
    readline.close();
  }
}

/**
 * Asks before anything is applied. Without a terminal to ask on, nothing is applied unless `--yes`
 * says so: a script must say what it means.
 */
export async function confirmApply(request: ConfirmRequest): Promise<void> {
  if (request.yes) return;
  if (!process.stdin.isTTY) {
    throw new UsageError('Nothing was applied: there is no terminal to confirm on. Pass --yes to apply.');
  }
  const moves = {
    becomeAdministrators: request.becomeAdministrators ?? 0,
    loseAdministratorRole: request.loseAdministratorRole ?? 0,
  };
  const admins = privilegedConfirmationCount(moves);
  if (admins > 0) {
    const answer = await ask(
      `${request.question}\n${privilegedConfirmationSentence(moves)}. Type ${formatCount(admins)} to confirm: `,
    );
    if (answer.replaceAll(',', '') !== String(admins)) {
      throw new RefusedError('not_confirmed', 'Nothing was applied: the number typed did not match.');
    }
    return;
  }
  if (request.count) {
    const answer = await ask(`${request.question}\nType ${formatCount(request.count)} to confirm: `);
    if (answer.replaceAll(',', '') !== String(request.count)) {
      throw new RefusedError('not_confirmed', 'Nothing was applied: the number typed did not match.');
    }
    return;
  }
  const answer = (await ask(`${request.question} [y/N] `)).toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new RefusedError('not_confirmed', 'Nothing was applied.');
}
