import { MODULES } from '../catalog';
import {
  ACCESS_LEVEL_LABELS,
  labelOf,
  MODULE_LABELS,
  RIGHT_LABELS,
  USER_STATUS_LABELS,
} from '../catalogLabels';

/** How the ids a change carries are shown to people: role and organisation-unit names. */
export type ChangeNames = { role: (id: string) => string; orgUnit: (id: string) => string };

/** Names by id from the roles and organisation units at hand; an id not among them says so. */
export function changeNames(
  roles: readonly { id: string; name: string }[],
  orgUnits: readonly { id: string; name: string }[],
): ChangeNames {
  const roleNames = new Map(roles.map((r) => [r.id, r.name]));
  const unitNames = new Map(orgUnits.map((u) => [u.id, u.name]));
  return {
    role: (id) => roleNames.get(id) ?? 'Unknown role',
    orgUnit: (id) => unitNames.get(id) ?? 'Unknown unit',
  };
}

/** How a date is written: the web app passes its local format; the results CSV `formatUtcMinute`. */
export type FormatDate = (date: Date) => string;

/** One line of a user's diff: a value that changes, or a set that gains and loses members. */
export type ChangeLine =
  | { kind: 'value'; label: string; before: string; after: string }
  | { kind: 'set'; label: string; added: string[]; removed: string[] };

/** One changed field, its whole value before and after (a set as the list of its members). */
export type ChangeField = { label: string; before: string; after: string };

const NONE = '—';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** Dates come as `Date` from the rule and the preview, as ISO strings from stored results. */
function dateText(value: unknown, formatDate: FormatDate): string {
  if (value instanceof Date) return formatDate(value);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return formatDate(new Date(value));
  return NONE;
}

const statusText = (value: unknown) =>
  typeof value === 'string' ? labelOf(USER_STATUS_LABELS, value) : NONE;
const levelText = (value: unknown) =>
  typeof value === 'string' ? labelOf(ACCESS_LEVEL_LABELS, value) : ACCESS_LEVEL_LABELS.none;
const rightText = (right: string) => labelOf(RIGHT_LABELS, right);

/** A field of a change, value by value; sets are left to the caller (a diff or a whole list). */
type Field =
  | { kind: 'value'; label: string; before: string; after: string }
  | { kind: 'set'; label: string; before: string[]; after: string[]; name: (id: string) => string };

/**
 * The fields a change's before/after (`Change` of the domain: only the fields that change) touches,
 * in the order people read them: role, status, invitation, each module, scope, rights.
 */
function changedFields(before: unknown, after: unknown, names: ChangeNames, formatDate: FormatDate): Field[] {
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields: Field[] = [];
  if ('roleId' in a) {
    fields.push({
      kind: 'value',
      label: 'Role',
      before: typeof b.roleId === 'string' ? names.role(b.roleId) : NONE,
      after: typeof a.roleId === 'string' ? names.role(a.roleId) : NONE,
    });
  }
  if ('status' in a) {
    fields.push({
      kind: 'value',
      label: 'Status',
      before: statusText(b.status),
      after: statusText(a.status),
    });
  }
  if ('invitationExpiresAt' in a) {
    fields.push({
      kind: 'value',
      label: 'Invitation valid until',
      before: dateText(b.invitationExpiresAt, formatDate),
      after: dateText(a.invitationExpiresAt, formatDate),
    });
  }
  if ('modules' in a) {
    const was = isRecord(b.modules) ? b.modules : {};
    const is = isRecord(a.modules) ? a.modules : {};
    for (const module of MODULES) {
      if (was[module] === is[module]) continue;
      fields.push({
        kind: 'value',
        label: MODULE_LABELS[module],
        before: levelText(was[module]),
        after: levelText(is[module]),
      });
    }
  }
  if ('scope' in a) {
    fields.push({
      kind: 'set',
      label: 'Scope',
      before: strings(b.scope),
      after: strings(a.scope),
      name: names.orgUnit,
    });
  }
  if ('rights' in a) {
    fields.push({
      kind: 'set',
      label: 'Rights',
      before: strings(b.rights),
      after: strings(a.rights),
      name: rightText,
    });
  }
  return fields;
}

/**
 * A change as lines people read: "Role: Reader → Administrator", "Budget: Read → Edit", and for a set
 * the members it gains and loses ("Scope: + Finance — France").
 */
export function describeChange(
  before: unknown,
  after: unknown,
  names: ChangeNames,
  formatDate: FormatDate,
): ChangeLine[] {
  return changedFields(before, after, names, formatDate).map((field) => {
    if (field.kind === 'value') return field;
    const was = new Set(field.before);
    const is = new Set(field.after);
    return {
      kind: 'set',
      label: field.label,
      added: [...is].filter((x) => !was.has(x)).map(field.name),
      removed: [...was].filter((x) => !is.has(x)).map(field.name),
    };
  });
}

/** A change field by field, each with its whole value before and after (a set: all its members, or "—"). */
export function describeChangeFields(
  before: unknown,
  after: unknown,
  names: ChangeNames,
  formatDate: FormatDate,
): ChangeField[] {
  const list = (ids: readonly string[], name: (id: string) => string) =>
    ids.length === 0 ? NONE : ids.map(name).join(', ');
  return changedFields(before, after, names, formatDate).map((field) =>
    field.kind === 'value'
      ? { label: field.label, before: field.before, after: field.after }
      : { label: field.label, before: list(field.before, field.name), after: list(field.after, field.name) },
  );
}
