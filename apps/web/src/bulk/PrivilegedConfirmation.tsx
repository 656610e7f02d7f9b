import {
  privilegedConfirmationCount,
  privilegedConfirmationLabel,
  privilegedConfirmationSentence,
} from '@roster/domain';
import { TypedConfirmation } from './TypedConfirmation';

/**
 * Giving or taking the Administrator role is confirmed by typing how many users gain or lose it
 * (SPEC §2): Apply stays disabled until the number typed is the number shown (the domain's
 * `privilegedConfirmationCount`). A revert that gives the role back, whose administrators are not
 * counted beforehand, asks for the number of users it goes through instead (`of`).
 */
export function PrivilegedConfirmation({
  count,
  lose = 0,
  value,
  onChange,
  of,
}: {
  /** Users who will become administrators. */
  count: number;
  /** Administrators who will lose the Administrator role. */
  lose?: number;
  value: string;
  onChange: (value: string) => void;
  /** What `count` counts when it is not the users who become administrators: e.g. "this revert". */
  of?: string;
}) {
  const moves = { becomeAdministrators: count, loseAdministratorRole: lose };
  const expected = of ? count : privilegedConfirmationCount(moves);
  return (
    <TypedConfirmation
      testId="privileged-confirmation"
      expected={expected}
      tone="amber"
      title={
        of ? 'Some of these users get the Administrator role back' : privilegedConfirmationSentence(moves)
      }
      label={of ? 'Number of users' : privilegedConfirmationLabel(moves)}
      value={value}
      onChange={onChange}
    >
      {lose > 0 && !of ? 'Users who lose the Administrator role can no longer reach the Admin module. ' : ''}
      {count > 0 || of
        ? 'Administrators reach the Admin module and can change every user of the platform. '
        : ''}
      To confirm, type <strong className="font-semibold text-amber-950">{expected}</strong>
      {of ? `, the number of users ${of} goes through,` : ''} below.
    </TypedConfirmation>
  );
}
