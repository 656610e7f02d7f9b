import { createRosterClient, rosterErrorCode } from '@roster/client';
import { Command, CommanderError } from 'commander';

/** Exit codes: 0 done, 1 refused or failed, 2 usage error. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function clientFromEnv() {
  const url = process.env.ROSTER_URL;
  const token = process.env.ROSTER_TOKEN;
  if (!url || !token) {
    console.error(
      'Set ROSTER_URL (e.g. http://localhost:3000) and ROSTER_TOKEN (an API token from Admin › API tokens).',
    );
    process.exit(EXIT.usage);
  }
  return createRosterClient({ url, token });
}

const program = new Command()
  .name('roster')
  .description('Administer the users of your Roster tenant from the command line.')
  .option('--json', 'print machine-readable JSON')
  .option('--debug', 'print stack traces of errors')
  .exitOverride();

program
  .command('whoami')
  .description('show who the API token acts for')
  .action(async () => {
    const me = await clientFromEnv().auth.me.query();
    if (!me) {
      console.error(
        'The token was not accepted (unknown, revoked or expired). Create a new one in Admin › API tokens.',
      );
      process.exit(EXIT.failed);
    }
    if (program.opts().json) console.log(JSON.stringify(me));
    else console.log(`${me.firstName} ${me.lastName} <${me.email}> — ${me.roleName}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
  }
  const code = rosterErrorCode(error);
  console.error(code ? `${code}: ${error instanceof Error ? error.message : String(error)}` : String(error));
  if (program.opts().debug && error instanceof Error) console.error(error.stack);
  process.exit(EXIT.failed);
}
