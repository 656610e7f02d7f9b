import type { OperationKind } from '../bulk/operations';
import { labelOf, USER_STATUS_LABELS } from '../catalogLabels';
import { type ChangeNames, describeChange, type FormatDate } from '../results/describeChange';
import { isScimTokenRefusal, SCIM_TOKEN_REFUSAL_SENTENCES } from '../scim/scimTokenRefusal';

/** What one audit event recorded, as a sentence needs it (the stored row, with names at hand). */
export type AuditEventDetails = {
  /** The changed fields before and after (SPEC §1), as stored. */
  before: unknown;
  after: unknown;
  /** Context such as a failed sign-in's reason or a token's name, as stored. */
  meta: unknown;
  /** Role and organisation-unit names for the ids a change carries. */
  names: ChangeNames;
  /** How a date inside a change is written (an invitation's expiry). */
  formatDate: FormatDate;
};

/** How an event names who did it: "by Ana Silva", or nobody (the user's own act, the system's). */
export type AuditActor = 'named' | 'none';

/**
 * One action of the audit trail, declared once: its code is the key under which it is stored in
 * `audit_events.action` (the writers take only declared codes), and it says what happened in words.
 */
export type AuditActionDefinition = {
  /** What happened, from the event's recorded details: "Role changed from Reader to Buyer". */
  what(details: AuditEventDetails): string;
  /** Whether the sentence names its actor ("by Ana Silva"): not for what users do themselves. */
  actor: AuditActor;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const field = (value: unknown, key: string): unknown => (isRecord(value) ? value[key] : undefined);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A change's lines, one after the other: "Budget: Read → Edit; Scope: + Globex Spain". */
function changeSummary(details: AuditEventDetails): string {
  return describeChange(details.before, details.after, details.names, details.formatDate)
    .map((line) =>
      line.kind === 'value'
        ? `${line.label}: ${line.before} → ${line.after}`
        : `${line.label}: ${[...line.added.map((a) => `+ ${a}`), ...line.removed.map((r) => `− ${r}`)].join(', ')}`,
    )
    .join('; ');
}

const withSummary = (sentence: string, details: AuditEventDetails) => {
  const summary = changeSummary(details);
  return summary ? `${sentence} (${summary})` : sentence;
};

const SIGN_IN_REFUSALS: Record<string, string> = {
  wrong_password: 'wrong password',
  unknown_email: 'unknown e-mail',
  status_created: 'never invited',
  status_invited: 'invitation not accepted yet',
  status_deactivated: 'account deactivated',
};

const PROFILE_FIELD_LABELS: Record<string, string> = {
  email: 'e-mail',
  firstName: 'first name',
  lastName: 'last name',
  status: 'status',
  roleId: 'role',
};

/** The audit actions of the seven operations of SPEC §2: one per kind, or this does not compile. */
const OPERATION_ACTIONS = {
  'user.assign_role': {
    actor: 'named',
    what: ({ before, after, names }) => {
      const from = text(field(before, 'roleId'));
      const to = text(field(after, 'roleId'));
      return `Role changed from ${from ? names.role(from) : 'none'} to ${to ? names.role(to) : 'none'}`;
    },
  },
  'user.copy_access': { actor: 'named', what: (details) => withSummary('Access copied', details) },
  'user.invite': { actor: 'named', what: () => 'Invited' },
  'user.resend_invitation': { actor: 'named', what: () => 'Invitation sent again' },
  'user.cancel_invitation': { actor: 'named', what: () => 'Invitation cancelled' },
  'user.deactivate': { actor: 'named', what: () => 'Deactivated' },
  'user.reactivate': {
    actor: 'named',
    what: ({ after }) =>
      field(after, 'status') === 'created'
        ? 'Reactivated, as Created (never accepted an invitation)'
        : 'Reactivated',
  },
} satisfies Record<`user.${OperationKind}`, AuditActionDefinition>;

/**
 * The audit vocabulary: every action written to `audit_events`, by its stored code. A writer can
 * only store a code declared here (`AuditAction`), and every declared code reads as a sentence.
 */
export const AUDIT_ACTIONS = {
  ...OPERATION_ACTIONS,
  'user.revert': { actor: 'named', what: (details) => withSummary('Change reverted', details) },
  'user.import': {
    actor: 'named',
    what: ({ after }) => {
      const line = field(after, 'line');
      return typeof line === 'number' ? `Created by an import (line ${line})` : 'Created by an import';
    },
  },
  'user.bootstrap_admin_created': {
    actor: 'none',
    what: () => 'Created as the administrator named in the server’s settings',
  },
  'users.exported': {
    actor: 'named',
    what: ({ meta }) => {
      const selected = field(meta, 'selected');
      return typeof selected === 'number'
        ? `Exported ${selected} selected ${selected === 1 ? 'user' : 'users'} as CSV`
        : 'Exported a view of the users as CSV';
    },
  },
  'invitation.accepted': { actor: 'none', what: () => 'Accepted the invitation' },
  'auth.sign_in': {
    actor: 'none',
    what: ({ meta }) => (field(meta, 'via') === 'invitation' ? 'Signed in from the invitation' : 'Signed in'),
  },
  'auth.sign_in_failed': {
    actor: 'none',
    what: ({ meta }) => {
      const reason = text(field(meta, 'reason'));
      const why = reason ? SIGN_IN_REFUSALS[reason] : undefined;
      return why ? `Sign-in refused (${why})` : 'Sign-in refused';
    },
  },
  'auth.sign_out': { actor: 'none', what: () => 'Signed out' },
  'auth.token_used': { actor: 'none', what: () => 'Used an API token' },
  'auth.token_created': {
    actor: 'none',
    what: ({ meta }) => {
      const name = text(field(meta, 'name'));
      return name ? `Created the API token “${name}”` : 'Created an API token';
    },
  },
  'auth.token_revoked': { actor: 'none', what: () => 'Revoked an API token' },
  'scim.request': {
    actor: 'none',
    what: ({ meta }) => {
      const token = text(field(meta, 'tokenName'));
      const method = text(field(meta, 'method'));
      const path = text(field(meta, 'path'));
      const status = field(meta, 'status');
      const request = method && path ? ` ${method} ${path}` : '';
      const answer = typeof status === 'number' ? `, answered ${status}` : '';
      return `Identity provider request${request}${token ? ` with the token “${token}”` : ''}${answer}`;
    },
  },
  'scim.refused': {
    actor: 'none',
    what: ({ meta }) => {
      const refusal = field(meta, 'refusal');
      const token = text(field(meta, 'tokenName'));
      const why = isScimTokenRefusal(refusal) ? SCIM_TOKEN_REFUSAL_SENTENCES[refusal].toLowerCase() : null;
      return `Identity provider request refused (${why ?? 'unknown token'}${token ? `: “${token}”` : ''})`;
    },
  },
  'scim.create': { actor: 'named', what: () => 'Created by the identity provider (SCIM)' },
  'scim.update': {
    actor: 'named',
    what: ({ before, after }) => {
      const changed = Object.keys(isRecord(after) ? after : {}).flatMap((key) => {
        const label = PROFILE_FIELD_LABELS[key];
        if (!label) return [];
        const was = field(before, key);
        const is = field(after, key);
        if (key === 'status')
          return [
            `${label} ${labelOf(USER_STATUS_LABELS, String(was))} → ${labelOf(USER_STATUS_LABELS, String(is))}`,
          ];
        if (key === 'roleId') return [label];
        return [`${label} ${text(was) ?? '—'} → ${text(is) ?? '—'}`];
      });
      return changed.length
        ? `Updated by the identity provider (SCIM): ${changed.join('; ')}`
        : 'Updated by the identity provider (SCIM)';
    },
  },
  'scim.scope': {
    actor: 'named',
    what: ({ after, names }) => {
      const added = field(after, 'scopeAdded');
      const units = Array.isArray(added)
        ? added.flatMap((id) => (typeof id === 'string' ? [names.orgUnit(id)] : []))
        : [];
      return units.length
        ? `Scope extended by the identity provider (SCIM): + ${units.join(', ')}`
        : 'Scope extended by the identity provider (SCIM)';
    },
  },
} satisfies Record<string, AuditActionDefinition>;

/** A code of the audit vocabulary: what `audit_events.action` holds for every event written now. */
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(code: string): code is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, code);
}

/** The audit action a change made by an operation of this kind is recorded under. */
export function operationAuditAction(kind: OperationKind): AuditAction {
  return `user.${kind}`;
}

/** An audit event as a person reads it: who did what when, and the operation it was part of. */
export type AuditSentence = {
  /** "Role changed from Reader to Buyer by Ana Silva, 2 Dec 14:05". */
  text: string;
  /** The operation the event belongs to, with the words that link to it ("operation 1a2b3c4d"). */
  operation: { id: string; label: string } | null;
};

/** The event as stored, and what the reader's side knows: the actor's name and the time in its words. */
export type AuditEventToDescribe = AuditEventDetails & {
  /** The stored code: a code this version does not know (an older one) still reads as a sentence. */
  action: string;
  /** The actor's name; null when no actor is recorded (the server itself, a refused token). */
  actorName: string | null;
  /** When, as the reader writes times ("2 Dec 14:05"). */
  at: string;
  operationId: string | null;
};

/** The words that name an operation in a sentence: its id's first characters, enough to tell apart. */
export function operationReference(operationId: string): string {
  return `operation ${operationId.slice(0, 8)}`;
}

/**
 * An audit event as a sentence: "Role changed from Reader to Buyer by Ana Silva, 2 Dec 14:05", with
 * its operation. Never the stored code: an action this version does not declare reads "Recorded
 * activity".
 */
export function describeAuditEvent(event: AuditEventToDescribe): AuditSentence {
  const definition: AuditActionDefinition | undefined = isAuditAction(event.action)
    ? AUDIT_ACTIONS[event.action]
    : undefined;
  const what = definition ? definition.what(event) : 'Recorded activity';
  const by = (definition?.actor ?? 'named') === 'named' && event.actorName ? ` by ${event.actorName}` : '';
  return {
    text: `${what}${by}, ${event.at}`,
    operation: event.operationId
      ? { id: event.operationId, label: operationReference(event.operationId) }
      : null,
  };
}

/** The whole sentence as plain text: "… by Ana Silva, 2 Dec 14:05 — operation 1a2b3c4d". */
export function auditSentenceText(sentence: AuditSentence): string {
  return sentence.operation ? `${sentence.text} — ${sentence.operation.label}` : sentence.text;
}
