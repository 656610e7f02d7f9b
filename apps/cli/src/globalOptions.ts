import type { Command } from 'commander';

export type GlobalOptions = {
  /** Print one JSON document on stdout instead of text. */
  json: boolean;
  /** Print stack traces of errors. */
  debug: boolean;
};

/** The options every command takes (declared on the program, accepted anywhere on the line). */
export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<{ json?: boolean; debug?: boolean }>();
  return { json: options.json === true, debug: options.debug === true };
}
