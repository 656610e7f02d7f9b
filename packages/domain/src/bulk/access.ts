import { accessAtLeast, type GrantedAccessLevel, MODULES, type Module, type Right } from '../catalog';

/** A user's access and authorizations at the user level: what "Copy access" copies (SPEC §2 #2). */
export type UserAccess = {
  modules: Partial<Record<Module, GrantedAccessLevel>>;
  /** Organisation unit ids. */
  scope: readonly string[];
  rights: readonly Right[];
};

const sorted = <T extends string>(values: Iterable<T>): T[] => [...new Set(values)].sort();

/** The same access written the same way, so two can be compared. */
export function normalizeAccess(access: UserAccess): UserAccess {
  const modules: Partial<Record<Module, GrantedAccessLevel>> = {};
  for (const module of MODULES) {
    const level = access.modules[module];
    if (level) modules[module] = level;
  }
  return { modules, scope: sorted(access.scope), rights: sorted(access.rights) };
}

/** `replace`: the source's access; `merge`: the higher level of each module, the union of the rest. */
export function combineAccess(target: UserAccess, source: UserAccess, mode: 'replace' | 'merge'): UserAccess {
  if (mode === 'replace') return normalizeAccess(source);
  const modules: Partial<Record<Module, GrantedAccessLevel>> = {};
  for (const module of MODULES) {
    const a = target.modules[module];
    const b = source.modules[module];
    const higher = a && b ? (accessAtLeast(a, b) ? a : b) : (a ?? b);
    if (higher) modules[module] = higher;
  }
  return normalizeAccess({
    modules,
    scope: [...target.scope, ...source.scope],
    rights: [...target.rights, ...source.rights],
  });
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const sameModules = (a: UserAccess['modules'], b: UserAccess['modules']) =>
  MODULES.every((m) => a[m] === b[m]);

/** The parts of `after` that differ from `before` (both normalised), each with its old value. */
export function accessDiff(
  before: UserAccess,
  after: UserAccess,
): { before: Partial<UserAccess>; after: Partial<UserAccess> } | null {
  const b = normalizeAccess(before);
  const a = normalizeAccess(after);
  const diff: { before: Partial<UserAccess>; after: Partial<UserAccess> } = { before: {}, after: {} };
  if (!sameModules(b.modules, a.modules)) {
    diff.before.modules = b.modules;
    diff.after.modules = a.modules;
  }
  if (!sameList(b.scope, a.scope)) {
    diff.before.scope = b.scope;
    diff.after.scope = a.scope;
  }
  if (!sameList(b.rights, a.rights)) {
    diff.before.rights = b.rights;
    diff.after.rights = a.rights;
  }
  return Object.keys(diff.after).length ? diff : null;
}
