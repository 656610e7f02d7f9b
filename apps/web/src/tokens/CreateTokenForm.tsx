import { type ApiTokenScope, apiTokenCreateSchema } from '@roster/domain';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../components/Button';
import { TextField } from '../components/TextField';
import { errorMessage, useTRPC } from '../lib/trpc';
import { type CreatedToken, NewTokenDialog } from './NewTokenDialog';

/**
 * Names and creates a token of one scope, then shows it this once. The name is checked by the
 * domain's schema before it is sent; the server checks it again.
 */
export function CreateTokenForm({
  scope,
  label,
  placeholder,
  submitLabel,
  created: createdText,
  onCreated,
  className,
}: {
  scope: ApiTokenScope;
  label: string;
  placeholder: string;
  submitLabel: string;
  /** The dialog's words once it is created. */
  created: { title: (name: string) => string; description: string; testId: string };
  onCreated: () => Promise<void>;
  className: string;
}) {
  const trpc = useTRPC();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: async (token) => {
        setCreated({ name: token.name, token: token.token });
        setName('');
        await onCreated();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = apiTokenCreateSchema.safeParse({ name, scope });
    if (!parsed.success) {
      setNameError(parsed.error.issues[0]?.message);
      return;
    }
    setNameError(undefined);
    create.mutate(parsed.data);
  };

  return (
    <>
      <form onSubmit={submit} className={className}>
        <div className="flex-1">
          <TextField
            label={label}
            placeholder={placeholder}
            value={name}
            error={nameError ?? (create.isError ? errorMessage(create.error) : undefined)}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <Button type="submit" disabled={create.isPending}>
          {submitLabel}
        </Button>
      </form>
      <NewTokenDialog
        created={created}
        onClose={() => setCreated(null)}
        title={createdText.title(created?.name ?? '')}
        description={createdText.description}
        testId={createdText.testId}
      />
    </>
  );
}
