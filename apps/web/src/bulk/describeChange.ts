import { MODULES, USER_STATUSES } from '@roster/domain';
import { formatDate } from '../lib/format';
import { moduleLabel } from '../users/ModuleAccessSummary';
import { statusLabel } from '../users/StatusBadge';
import { rightLabel } from '../users/UsersToolbar';

/** How ids are shown to people. */
export type Names = { role: (id: string) => string; orgUnit: (id: string) => string };

/** One line of a user's diff: a value that changes, or a set that gains and loses members. */
export type DiffLine =
  | { kind: 'value'; label: string; before: string; after: string }
  | { kind: 'set'; label: string; added: string[]; removed: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** Dates come as `Date` from the rule and the preview, as ISO strings from stored results. */
function dateText(value: unknown): string {
  if (value instanceof Date) return formatDate(value);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return formatDate(new Date(value));
  return '—';
}

function statusText(value: unknown): string {
  const status = USER_STATUSES.find((s) => s === value);
  return status ? statusLabel(status) : String(value ?? '—');
}

function levelText(value: unknown): string {
  return value === 'edit' ? 'Edit' : value === 'read' ? 'Read' : 'No access';
}

function setLine(label: string, before: unknown, after: unknown, name: (id: string) => string): DiffLine {
  const was = new Set(strings(before));
  const is = new Set(strings(after));
  return {
    kind: 'set',
    label,
    added: [...is].filter((x) => !was.has(x)).map(name),
    removed: [...was].filter((x) => !is.has(x)).map(name),
  };
}

/**
 * A change's before/after (`Change` of the domain: only the fields that change) as lines people
 * read: "Role: Reader → Administrator", "Budget: Read → Edit", "Scope: + Finance — France".
 */
export function describeChange(before: unknown, after: unknown, names: Names): DiffLine[] {
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const lines: DiffLine[] = [];
  if ('roleId' in a) {
    lines.push({
      kind: 'value',
      label: 'Role',
      before: typeof b.roleId === 'string' ? names.role(b.roleId) : '—',
      after: typeof a.roleId === 'string' ? names.role(a.roleId) : '—',
    });
  }
  if ('status' in a) {
    lines.push({ kind: 'value', label: 'Status', before: statusText(b.status), after: statusText(a.status) });
  }
  if ('invitationExpiresAt' in a) {
    lines.push({
      kind: 'value',
      label: 'Invitation valid until',
      before: dateText(b.invitationExpiresAt),
      after: dateText(a.invitationExpiresAt),
    });
  }
  if ('modules' in a) {
    const was = isRecord(b.modules) ? b.modules : {};
    const is = isRecord(a.modules) ? a.modules : {};
    for (const module of MODULES) {
      if (was[module] === is[module]) continue;
      lines.push({
        kind: 'value',
        label: moduleLabel(module),
        before: levelText(was[module]),
        after: levelText(is[module]),
      });
    }
  }
  if ('scope' in a) lines.push(setLine('Scope', b.scope, a.scope, names.orgUnit));
  if ('rights' in a) lines.push(setLine('Rights', b.rights, a.rights, rightLabel));
  return lines;
}
