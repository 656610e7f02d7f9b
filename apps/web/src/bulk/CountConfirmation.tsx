import { type BulkOperationKind, countConfirmationLabel } from '@roster/domain';
import { formatCount } from '../lib/format';
import { TypedNumberField } from './TypedNumberField';

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
    <fieldset
      data-testid="count-confirmation"
      data-expected={count}
      className="rounded-lg border border-red-300 bg-red-50 p-4"
    >
      <legend className="float-left text-sm font-semibold text-red-900">
        This applies to {formatCount(count)} users at once
      </legend>
      <p className="clear-left pt-1 text-sm text-red-900">
        They will no longer be able to sign in until they are reactivated. To confirm, type{' '}
        <strong className="font-semibold text-red-950">{count}</strong> below.
      </p>
      <TypedNumberField label={countConfirmationLabel(kind)} value={value} onChange={onChange} tone="red" />
    </fieldset>
  );
}
