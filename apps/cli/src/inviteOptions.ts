import { UsageError } from './cliErrors';

/** `--message` is the invitation's personal message: refused without `--invite` (import, users create). */
export function checkInviteMessage(options: { invite?: boolean; message?: string }): void {
  if (options.message !== undefined && !options.invite) throw new UsageError('--message goes with --invite.');
}
