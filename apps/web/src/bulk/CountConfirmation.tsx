import { type BulkOperationKind, countConfirmationLabel } from '@roster/domain';
import { formatCount } from '../lib/format';
import { TypedConfirmation } from './TypedConfirmation';

/**
 * An operation that locks many people out (Deactivate over 100 users or more, the domain's
 * `countToConfirm`) is confirmed by typing how many users it is applied to: Apply stays disabled until
 * the number typed is the number shown, and the server refuses it without that number.
 */
export function CountConfirmation({
  kind,
  count,
  value,
  onChange,
}: {
  kind: BulkOperationKind;
  /** The users the operation is applied to: the number to type. */
  count: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TypedConfirmation
      testId="count-confirmation"
      expected={count}
      tone="red"
      title={`This applies to ${formatCount(count)} users at once`}
      label={countConfirmationLabel(kind)}
      value={value}
      onChange={onChange}
    >
      They will no longer be able to sign in until they are reactivated. To confirm, type{' '}
      <strong className="font-semibold text-red-950">{count}</strong> below.
    </TypedConfirmation>
  );
}
