import type { Command } from 'commander';
import { RefusedError, TOKEN_REFUSED_MESSAGE } from '../cliErrors';
import { clientFromEnv } from '../clientFromEnv';
import { globalOptions } from '../globalOptions';
import { printJson, printLine } from '../output';

export function addWhoamiCommand(program: Command): void {
  program
    .command('whoami')
    .description('show who the API token acts for')
    .action(async (_options: unknown, command: Command) => {
      const { json } = globalOptions(command);
      // auth.me answers nobody (rather than refusing) for a token it does not accept.
      const me = await clientFromEnv().client.auth.me.query();
      if (!me) throw new RefusedError('not_signed_in', TOKEN_REFUSED_MESSAGE);
      if (json) return printJson(me);
      printLine(`${me.firstName} ${me.lastName} <${me.email}> — ${me.roleName}`);
    });
}
