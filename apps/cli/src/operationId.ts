import { UsageError } from './cliErrors';
import { isUuid } from './selectionArgs';

/** An operation id from the command line, checked before it is sent. */
export function operationIdArg(id: string): string {
  if (!isUuid(id)) throw new UsageError(`An operation id is a UUID, not “${id}”.`);
  return id.toLowerCase();
}
