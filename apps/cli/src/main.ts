import { Command, CommanderError } from 'commander';
import { EXIT } from './cliErrors';
import { addBulkCommand } from './commands/bulk';
import { addImportCommand } from './commands/import';
import { addUsersCommand } from './commands/users';
import { addWhoamiCommand } from './commands/whoami';
import { describeError } from './describeError';
import { mayPrintJsonError, printJson, printNote } from './output';

const program = new Command()
  .name('roster')
  .description(
    'Administer the users of your Roster tenant from the command line.\n' +
      'Set ROSTER_URL (the server) and ROSTER_TOKEN (an API token from Admin › API tokens).\n' +
      'Exit codes: 0 done, 1 refused or failed, 2 usage error.',
  )
  .option('--json', 'print one JSON document on stdout, for scripts')
  .option('--debug', 'print the stack trace of an error')
  .showHelpAfterError('(add --help for usage)')
  // Subcommands created after this inherit it: commander throws instead of exiting, so the exit
  // code of a usage error is ours to choose.
  .exitOverride();

// A reader that stops early (`roster users list | head`) closes the pipe: what is left to print goes
// nowhere, and the tool ends as it would have, with no stack trace (as any Unix tool does).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? EXIT.ok);
});

addUsersCommand(program);
addBulkCommand(program);
addImportCommand(program);
addWhoamiCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help) already, on stderr; with --json a script reads
    // the refusal on stdout too, as it reads every other (commander stops before its options are read).
    const helpAsked = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    if (!helpAsked && process.argv.includes('--json')) {
      printJson({ error: { code: 'usage', message: error.message.replace(/^error: /, '') } });
    }
    process.exitCode = helpAsked ? EXIT.ok : EXIT.usage;
  } else {
    const report = describeError(error, process.env.ROSTER_URL);
    const { json, debug } = program.opts<{ json?: boolean; debug?: boolean }>();
    if (json && mayPrintJsonError()) printJson({ error: { code: report.code, message: report.message } });
    printNote(report.code === 'usage' ? `error: ${report.message}` : `${report.code}: ${report.message}`);
    if (debug && error instanceof Error && error.stack) printNote(error.stack);
    process.exitCode = report.exitCode;
  }
}
