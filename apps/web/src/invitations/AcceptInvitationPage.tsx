import { rosterErrorCode as errorCode } from '@roster/client/errorCode';
import {
  type DomainErrorCode,
  PASSWORD_PROBLEM_MESSAGES,
  PASSWORD_RULES,
  type PasswordProblem,
  passwordProblems,
} from '@roster/domain';
import { type FormEvent, useEffect, useState } from 'react';
import { Button } from '../components/Button';
import { ErrorBox } from '../components/ErrorBox';
import { FullPageMessage } from '../components/FullPageMessage';
import { Logo } from '../components/Logo';
import { PageTitle } from '../components/PageTitle';
import { Spinner } from '../components/Spinner';
import { TextField } from '../components/TextField';
import { errorMessage } from '../lib/errorMessage';
import { formatDateTime } from '../lib/format';
import { invitationClient } from './invitationClient';

/** What a link that cannot be accepted is called on its page; the sentence comes from the API. */
const REFUSAL_TITLES = new Map<string, string>([
  ['invitation_malformed', 'This link is incomplete'],
  ['invitation_unknown', 'This link is not valid'],
  ['invitation_expired', 'This invitation has expired'],
  ['invitation_cancelled', 'This invitation was cancelled'],
  ['invitation_superseded', 'This link was replaced by a newer one'],
  ['invitation_used', 'This invitation was already accepted'],
] satisfies [DomainErrorCode, string][]);

/** What the person who opened a link that cannot be accepted can do now, by refusal. */
const NEXT_STEPS = new Map<string, string[]>([
  [
    'invitation_malformed',
    [
      'Open the link from the invitation e-mail again: some mail programs cut long links.',
      'Or copy the whole link from the e-mail into the address bar.',
    ],
  ],
  [
    'invitation_unknown',
    [
      'Check that you opened the link of your most recent invitation e-mail, whole.',
      'If it still does not work, ask the administrator who invited you to send the invitation again.',
    ],
  ],
  [
    'invitation_expired',
    [
      'Ask the administrator who invited you to resend the invitation: you will get a new e-mail with a new link.',
      'If you already set up your account, sign in instead.',
    ],
  ],
  [
    'invitation_cancelled',
    [
      'An administrator cancelled it, so it no longer works.',
      'If you still need access, ask your administrator to invite you again.',
      'If you already set up your account, sign in instead.',
    ],
  ],
  [
    'invitation_superseded',
    [
      'Open your most recent invitation e-mail and use its link: only the newest link works.',
      'Cannot find it? Look in your spam folder, or ask your administrator to resend it.',
    ],
  ],
  [
    'invitation_used',
    [
      'Your account is set up: sign in with your e-mail address and the password you chose.',
      'Forgot your password? Ask your administrator.',
    ],
  ],
] satisfies [DomainErrorCode, string[]][]);

/** Refusals after which signing in may be what the person wants. */
const SIGN_IN_MAY_HELP = new Set(['invitation_used', 'invitation_expired', 'invitation_cancelled']);

/** The rules shown under the password field, ticked as they are met. */
const RULES: PasswordProblem[] = ['too_short', 'repetitive', 'contains_personal_data'];

type Invitation = Awaited<ReturnType<typeof invitationClient.invitations.inspect.query>>;

/** The invitation as the page knows it: on its way, refused, or read. */
type Opened =
  | { state: 'opening' }
  | { state: 'refused'; error: unknown }
  | { state: 'open'; invitation: Invitation };

/** Reads the invitation once per token (`invitations.inspect` changes nothing). */
function useInvitation(token: string): Opened {
  const [opened, setOpened] = useState<Opened>({ state: 'opening' });
  useEffect(() => {
    let current = true;
    invitationClient.invitations.inspect.query({ token }).then(
      (invitation) => current && setOpened({ state: 'open', invitation }),
      (error: unknown) => current && setOpened({ state: 'refused', error }),
    );
    return () => {
      current = false;
    };
  }, [token]);
  return opened;
}

/**
 * `/invite/<token>`: who invited whom, and the form that accepts. Opening it only reads
 * (`invitations.inspect`); only submitting the form accepts. The page runs on its own, outside the
 * console's router and data layer (invite.html): once accepted, the browser goes to the console.
 */
export function AcceptInvitationPage({ token }: { token: string }) {
  const opened = useInvitation(token);
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [accepting, setAccepting] = useState(false);
  const [acceptError, setAcceptError] = useState<unknown>(null);
  const invitation = opened.state === 'open' ? opened.invitation : undefined;
  useEffect(() => {
    if (!invitation) return;
    setFirstName((v) => v || invitation.firstName);
    setLastName((v) => v || invitation.lastName);
  }, [invitation]);

  if (opened.state === 'opening') {
    return (
      <FullPageMessage>
        <Spinner label="Opening your invitation…" />
      </FullPageMessage>
    );
  }
  if (opened.state === 'refused') {
    const code = errorCode(opened.error);
    const title = (code && REFUSAL_TITLES.get(code)) || 'This invitation cannot be opened';
    return (
      <FullPageMessage title={title}>
        <p role="alert" data-refusal={code}>
          {errorMessage(opened.error)}
        </p>
        <section aria-labelledby="next-steps-title" data-testid="next-steps" className="mt-5 text-left">
          <h2 id="next-steps-title" className="text-sm font-semibold text-slate-900">
            What to do now
          </h2>
          <ul className="mt-2 list-disc space-y-1.5 pl-5">
            {(
              NEXT_STEPS.get(code ?? '') ?? [
                'Ask the administrator who invited you to send a new invitation.',
              ]
            ).map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ul>
        </section>
        {code && SIGN_IN_MAY_HELP.has(code) && (
          <a
            href="/sign-in"
            className={`mt-6 inline-flex w-full items-center justify-center rounded-lg px-3.5 py-2.5 text-sm font-medium ${
              code === 'invitation_used'
                ? 'bg-brand-600 text-white hover:bg-brand-700'
                : 'border border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
            }`}
          >
            Go to sign-in
          </a>
        )}
      </FullPageMessage>
    );
  }

  const { email, inviterName, platformName, expiresAt } = opened.invitation;
  const problems = passwordProblems(password, { email, firstName, lastName });
  const nameMissing = { first: firstName.trim() === '', last: lastName.trim() === '' };
  const canSubmit = problems.length === 0 && !nameMissing.first && !nameMissing.last;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!canSubmit) return;
    setAccepting(true);
    setAcceptError(null);
    invitationClient.invitations.accept.mutate({ token, firstName, lastName, password }).then(
      // Signed in by the answer's cookie: the console opens where this person belongs.
      (user) => window.location.replace(user.isAdmin ? '/admin/users' : '/welcome'),
      (error: unknown) => {
        setAcceptError(error);
        setAccepting(false);
      },
    );
  };

  return (
    <main className="flex min-h-full items-center justify-center bg-gradient-to-b from-slate-50 to-slate-100 p-4 sm:p-6">
      <PageTitle title={`Join ${platformName}`} />
      <div className="w-full max-w-md">
        <div className="mb-6 flex justify-center sm:mb-8">
          <Logo />
        </div>
        <form
          onSubmit={submit}
          noValidate
          className="flex flex-col gap-5 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-8"
          aria-labelledby="accept-title"
        >
          <div>
            <h1 id="accept-title" className="text-xl font-semibold text-slate-900">
              Join {platformName}
            </h1>
            <p className="mt-1 text-sm text-slate-600">
              {inviterName ? (
                <>
                  <strong className="font-medium text-slate-800">{inviterName}</strong> invited you
                </>
              ) : (
                'You were invited'
              )}{' '}
              as <strong className="font-medium text-slate-800">{email}</strong>. Choose your name and a
              password to accept.
            </p>
            <p className="mt-2 text-xs text-slate-500">
              This link works once, until {formatDateTime(expiresAt)}.
            </p>
          </div>
          <ErrorBox error={acceptError} />
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <TextField
              label="First name"
              name="given-name"
              autoComplete="given-name"
              required
              value={firstName}
              onChange={(e) => setFirstName(e.target.value)}
              error={submitted && nameMissing.first ? 'Enter your first name.' : undefined}
            />
            <TextField
              label="Last name"
              name="family-name"
              autoComplete="family-name"
              required
              value={lastName}
              onChange={(e) => setLastName(e.target.value)}
              error={submitted && nameMissing.last ? 'Enter your last name.' : undefined}
            />
          </div>
          <div className="flex flex-col gap-2">
            <TextField
              label="Password"
              type={showPassword ? 'text' : 'password'}
              name="new-password"
              autoComplete="new-password"
              required
              maxLength={PASSWORD_RULES.maxLength}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <label className="flex items-center gap-2 text-xs text-slate-600">
              <input
                type="checkbox"
                checked={showPassword}
                onChange={(e) => setShowPassword(e.target.checked)}
              />
              Show password
            </label>
            <ul aria-label="Password rules" className="flex flex-col gap-1 text-xs">
              {RULES.map((rule) => {
                const broken = password !== '' && problems.includes(rule);
                const met = password !== '' && !broken;
                return (
                  <li
                    key={rule}
                    data-rule={rule}
                    data-met={met}
                    className={
                      met ? 'text-emerald-700' : broken && submitted ? 'text-red-600' : 'text-slate-500'
                    }
                  >
                    <span aria-hidden className="mr-1.5 inline-block w-3">
                      {met ? '✓' : '•'}
                    </span>
                    {PASSWORD_PROBLEM_MESSAGES[rule]}
                  </li>
                );
              })}
            </ul>
          </div>
          <Button type="submit" disabled={accepting} className="mt-1 w-full py-2.5">
            {accepting ? 'Joining…' : 'Accept and sign in'}
          </Button>
        </form>
      </div>
    </main>
  );
}
