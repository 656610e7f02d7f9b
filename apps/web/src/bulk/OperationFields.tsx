import type { OperationKind } from '@roster/domain';
import { type ReactElement, useId } from 'react';
import type { CopyMode, OperationDraft } from './operationDraft';
import { RolePicker } from './RolePicker';
import { SourceUserPicker } from './SourceUserPicker';

const MODES: readonly { value: CopyMode; label: string; hint: string }[] = [
  { value: 'replace', label: 'Replace', hint: 'Their access becomes exactly the source user’s.' },
  {
    value: 'merge',
    label: 'Merge',
    hint: 'They keep their access and gain the source’s: the higher level of each module, every scope and right.',
  },
];

type FieldProps = {
  draft: OperationDraft;
  onChange: (draft: OperationDraft) => void;
  message: string;
  onMessageChange: (message: string) => void;
};

/** An operation's own fields, and what to ask for while the preview still needs them. */
type OperationFieldSet = { Fields: (props: FieldProps) => ReactElement; prompt: string | null };

function RoleFields({ draft, onChange }: FieldProps) {
  return <RolePicker roleId={draft.roleId} onChange={(roleId) => onChange({ ...draft, roleId })} />;
}

function CopyAccessFields({ draft, onChange }: FieldProps) {
  const id = useId();
  return (
    <div className="flex flex-col gap-4">
      <SourceUserPicker source={draft.source} onChange={(source) => onChange({ ...draft, source })} />
      <fieldset className="flex flex-col gap-1.5">
        <legend className="mb-1.5 text-sm font-medium text-slate-700">Mode</legend>
        <div className="grid grid-cols-2 gap-2">
          {MODES.map((mode) => (
            <label
              key={mode.value}
              className={`flex cursor-pointer gap-2.5 rounded-lg border p-3 text-sm ${
                draft.mode === mode.value
                  ? 'border-brand-300 bg-brand-50/60 ring-1 ring-brand-300'
                  : 'border-slate-200 hover:bg-slate-50'
              }`}
            >
              <input
                type="radio"
                name={`${id}-mode`}
                value={mode.value}
                checked={draft.mode === mode.value}
                onChange={() => onChange({ ...draft, mode: mode.value })}
                className="mt-0.5 accent-brand-600"
              />
              <span>
                <span className="block font-medium text-slate-800">{mode.label}</span>
                <span className="block text-xs text-slate-600">{mode.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

function InvitationMessageField({ message, onMessageChange }: FieldProps) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        Message <span className="font-normal text-slate-500">(optional)</span>
      </label>
      <textarea
        id={id}
        rows={3}
        maxLength={2000}
        value={message}
        onChange={(e) => onMessageChange(e.target.value)}
        placeholder="A few words added to the invitation e-mail"
        className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
      />
    </div>
  );
}

/** The fields of each operation that has parameters; `null` for those that have none. */
export const OPERATION_FIELDS: Record<OperationKind, OperationFieldSet | null> = {
  assign_role: { Fields: RoleFields, prompt: 'Choose the role to assign to see what would change.' },
  copy_access: {
    Fields: CopyAccessFields,
    prompt: 'Choose the user to copy from to see what would change.',
  },
  invite: { Fields: InvitationMessageField, prompt: null },
  resend_invitation: null,
  cancel_invitation: null,
  deactivate: null,
  reactivate: null,
};

/** The operation's own fields: the role to assign, or the user to copy from and how, or a message. */
export function OperationFields(props: FieldProps) {
  const fields = OPERATION_FIELDS[props.draft.kind];
  return fields ? <fields.Fields {...props} /> : null;
}
