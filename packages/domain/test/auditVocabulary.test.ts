import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  auditSentenceText,
  changeNames,
  describeAuditEvent,
  OPERATION_KINDS,
  operationAuditAction,
} from '../src';
import { BUYER_ROLE, READER_ROLE } from './planUserFactory';

const UNIT = '00000000-0000-7000-8000-0000000000a1';
const OPERATION = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const names = changeNames(
  [
    { id: READER_ROLE, name: 'Reader' },
    { id: BUYER_ROLE, name: 'Buyer' },
  ],
  [{ id: UNIT, name: 'Globex Spain' }],
);
const formatDate = (date: Date) => date.toISOString().slice(0, 10);

type Row = {
  before?: unknown;
  after?: unknown;
  meta?: unknown;
  operationId?: string | null;
  sentence: string;
};

/** An event of a bulk operation: what it changed, from what to what. */
const operationRow = (before: unknown, after: unknown, sentence: string): Row => ({
  before,
  after,
  operationId: OPERATION,
  sentence,
});

/** Every action of the vocabulary, as an event of it reads (Ana Silva acting, at 2 Dec 14:05). */
const SENTENCES: Record<AuditAction, Row[]> = {
  'user.assign_role': [
    operationRow(
      { roleId: READER_ROLE },
      { roleId: BUYER_ROLE },
      'Role changed from Reader to Buyer by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'user.copy_access': [
    operationRow(
      { modules: { budget: 'read' }, scope: [], rights: [] },
      { modules: { budget: 'edit' }, scope: [UNIT], rights: ['buyer'] },
      'Access copied (Budget: Read → Edit; Scope: + Globex Spain; Rights: + Buyer) by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'user.invite': [
    operationRow(
      { status: 'created' },
      { status: 'invited', invitationExpiresAt: '2026-12-09T14:05:00.000Z' },
      'Invited by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'user.resend_invitation': [
    operationRow(
      { invitationExpiresAt: '2026-12-05T00:00:00.000Z' },
      { invitationExpiresAt: '2026-12-09T14:05:00.000Z' },
      'Invitation sent again by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'user.cancel_invitation': [
    operationRow(
      { status: 'invited' },
      { status: 'created' },
      'Invitation cancelled by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'user.deactivate': [
    operationRow(
      { status: 'active' },
      { status: 'deactivated' },
      'Deactivated by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'user.reactivate': [
    operationRow(
      { status: 'deactivated' },
      { status: 'active' },
      'Reactivated by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
    operationRow(
      { status: 'deactivated' },
      { status: 'created' },
      'Reactivated, as Created (never accepted an invitation) by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'user.revert': [
    operationRow(
      { roleId: BUYER_ROLE },
      { roleId: READER_ROLE },
      'Change reverted (Role: Buyer → Reader) by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'user.import': [
    {
      after: { email: 'x@example.com', status: 'created', line: 12 },
      operationId: OPERATION,
      sentence: 'Created by an import (line 12) by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    },
  ],
  'user.bootstrap_admin_created': [
    {
      after: { email: 'admin@roster.local', status: 'active', role: 'Administrator' },
      sentence: 'Created as the administrator named in the server’s settings, 2 Dec 14:05',
    },
  ],
  'users.exported': [
    { meta: { selected: 3 }, sentence: 'Exported 3 selected users as CSV by Ana Silva, 2 Dec 14:05' },
    { meta: { filter: {} }, sentence: 'Exported a view of the users as CSV by Ana Silva, 2 Dec 14:05' },
  ],
  'invitation.accepted': [{ after: { status: 'active' }, sentence: 'Accepted the invitation, 2 Dec 14:05' }],
  'auth.sign_in': [
    { meta: { ip: '127.0.0.1' }, sentence: 'Signed in, 2 Dec 14:05' },
    { meta: { via: 'invitation' }, sentence: 'Signed in from the invitation, 2 Dec 14:05' },
  ],
  'auth.sign_in_failed': [
    { meta: { reason: 'wrong_password' }, sentence: 'Sign-in refused (wrong password), 2 Dec 14:05' },
    {
      meta: { reason: 'status_deactivated' },
      sentence: 'Sign-in refused (account deactivated), 2 Dec 14:05',
    },
    { meta: { reason: 'something_new' }, sentence: 'Sign-in refused, 2 Dec 14:05' },
  ],
  'auth.sign_out': [{ sentence: 'Signed out, 2 Dec 14:05' }],
  'auth.token_used': [{ meta: { tokenId: 'x' }, sentence: 'Used an API token, 2 Dec 14:05' }],
  'auth.token_created': [
    { meta: { name: 'Nightly sync' }, sentence: 'Created the API token “Nightly sync”, 2 Dec 14:05' },
  ],
  'auth.token_revoked': [{ meta: { tokenId: 'x' }, sentence: 'Revoked an API token, 2 Dec 14:05' }],
  'scim.request': [
    {
      meta: { tokenName: 'Entra', method: 'PATCH', path: '/scim/v2/Users/1', status: 200 },
      operationId: OPERATION,
      sentence:
        'Identity provider request PATCH /scim/v2/Users/1 with the token “Entra”, answered 200, 2 Dec 14:05 — operation 0193a1b2',
    },
  ],
  'scim.refused': [
    { meta: { status: 401 }, sentence: 'Identity provider request refused (unknown token), 2 Dec 14:05' },
    {
      meta: { status: 401, refusal: 'revoked', tokenName: 'Okta' },
      sentence: 'Identity provider request refused (revoked token: “Okta”), 2 Dec 14:05',
    },
  ],
  'scim.create': [
    {
      after: { email: 'x@example.com' },
      operationId: OPERATION,
      sentence: 'Created by the identity provider (SCIM) by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    },
  ],
  'scim.update': [
    operationRow(
      { lastName: 'Silva', status: 'active' },
      { lastName: 'Costa', status: 'deactivated' },
      'Updated by the identity provider (SCIM): last name Silva → Costa; status Active → Deactivated by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    ),
  ],
  'scim.scope': [
    {
      after: { scopeAdded: [UNIT] },
      operationId: OPERATION,
      sentence:
        'Scope extended by the identity provider (SCIM): + Globex Spain by Ana Silva, 2 Dec 14:05 — operation 0193a1b2',
    },
  ],
};

const read = (action: string, row: Omit<Row, 'sentence'>, actorName: string | null = 'Ana Silva') =>
  auditSentenceText(
    describeAuditEvent({
      action,
      before: row.before ?? null,
      after: row.after ?? null,
      meta: row.meta ?? null,
      names,
      formatDate,
      actorName,
      at: '2 Dec 14:05',
      operationId: row.operationId ?? null,
    }),
  );

describe('the audit vocabulary', () => {
  it('has a table row for every declared action, and an action for every operation kind', () => {
    expect(Object.keys(SENTENCES).sort()).toEqual(Object.keys(AUDIT_ACTIONS).sort());
    for (const kind of OPERATION_KINDS)
      expect(Object.keys(AUDIT_ACTIONS)).toContain(operationAuditAction(kind));
  });

  it.each(Object.entries(SENTENCES).flatMap(([action, rows]) => rows.map((row) => [action, row] as const)))(
    '%s reads as a sentence, never its code',
    (action, row) => {
      const sentence = read(action, row);
      expect(sentence).toBe(row.sentence);
      expect(sentence).not.toContain(action);
      expect(sentence).not.toMatch(/[a-z]+_[a-z]+/);
    },
  );

  it('links the operation by its id', () => {
    const described = describeAuditEvent({
      action: 'user.deactivate',
      before: { status: 'active' },
      after: { status: 'deactivated' },
      meta: null,
      names,
      formatDate,
      actorName: 'Ana Silva',
      at: '2 Dec 14:05',
      operationId: OPERATION,
    });
    expect(described).toEqual({
      text: 'Deactivated by Ana Silva, 2 Dec 14:05',
      operation: { id: OPERATION, label: 'operation 0193a1b2' },
    });
  });

  it('an action it does not declare (an older one) reads as a generic sentence, not its code', () => {
    expect(read('user.legacy_thing', { before: { x: 1 }, after: { x: 2 } })).toBe(
      'Recorded activity by Ana Silva, 2 Dec 14:05',
    );
    expect(read('user.legacy_thing', {}, null)).toBe('Recorded activity, 2 Dec 14:05');
  });

  it('names nobody when no actor is recorded', () => {
    expect(read('user.deactivate', { operationId: OPERATION }, null)).toBe(
      'Deactivated, 2 Dec 14:05 — operation 0193a1b2',
    );
  });
});
