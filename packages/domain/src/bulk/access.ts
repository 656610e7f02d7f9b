import { accessAtLeast, type GrantedAccessLevel, MODULES, type Module, type Right } from '../catalog';

/** A user's access and authorizations at the user level: what "Copy access" copies (SPEC §2 #2). */
export type UserAccess = {
  modules: Partial<Record<Module, GrantedAccessLevel>>;
  /** Organisation unit ids. */
  scope: readonly string[];
  rights: readonly Right[];
};

/** Ascending and without repeats; lists that already are (as the database returns them) are kept. */
function sorted<T extends string>(values: readonly T[]): readonly T[] {
  for (let i = 1; i < values.length; i++) {
    const previous = values[i - 1];
    const current = values[i];
    if (previous === undefined || current === undefined || previous >= current)
      return [...new Set(values)].sort();
  }
  return values;
}

/** Whether every item of the ascending list `b` is in the ascending list `a` (one pass, no allocation). */
function includesAll<T extends string>(a: readonly T[], b: readonly T[]): boolean {
  let i = 0;
  for (const y of b) {
    while (i < a.length && (a[i] ?? y) < y) i++;
    if (a[i] !== y) return false;
  }
  return true;
}

/** The union of two ascending lists without repeats, in one pass; `a` itself when it holds `b`. */
function union<T extends string>(a: readonly T[], b: readonly T[]): readonly T[] {
  if (includesAll(a, b)) return a;
  if (a.length === 0) return b;
  const result: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      if (x !== undefined) result.push(x);
      i++;
    } else if (x === undefined || y < x) {
      result.push(y);
      j++;
    } else {
      result.push(x);
      i++;
      j++;
    }
  }
  return result;
}

const KNOWN_MODULES: ReadonlySet<string> = new Set(MODULES);
const isModule = (name: string): name is Module => KNOWN_MODULES.has(name);

/** Whether a module map holds only known modules with a level (as the database gives them). */
function isCleanModules(modules: UserAccess['modules']): boolean {
  // `for … in`, not Object.entries: a preview checks 10,000 maps and this allocates nothing.
  for (const module in modules) {
    if (!isModule(module) || !modules[module]) return false;
  }
  return true;
}

/**
 * The same access written the same way, so two can be compared. Access that already is (as the
 * database returns it) is returned as it is: a preview of 10,000 users allocates nothing here.
 */
export function normalizeAccess(access: UserAccess): UserAccess {
  const scope = sorted(access.scope);
  const rights = sorted(access.rights);
  if (isCleanModules(access.modules) && scope === access.scope && rights === access.rights) return access;
  const modules: Partial<Record<Module, GrantedAccessLevel>> = {};
  for (const module of MODULES) {
    const level = access.modules[module];
    if (level) modules[module] = level;
  }
  return { modules, scope, rights };
}

/**
 * `replace`: the source's access; `merge`: the higher level of each module, the union of the rest.
 * Both inputs normalised; so is the result.
 */
export function combineAccess(target: UserAccess, source: UserAccess, mode: 'replace' | 'merge'): UserAccess {
  if (mode === 'replace') return source;
  // The target's map when the source adds nothing to it; otherwise a new one raised where the source
  // is higher, built in module order (one object shape for every user: a preview builds 10,000).
  let raises = false;
  for (const module of MODULES) {
    const level = source.modules[module];
    const current = target.modules[module];
    if (level && (!current || !accessAtLeast(current, level))) raises = true;
  }
  let modules = target.modules;
  if (raises) {
    modules = {};
    for (const module of MODULES) {
      const level = source.modules[module];
      const current = target.modules[module];
      const higher = level && (!current || !accessAtLeast(current, level)) ? level : current;
      if (higher) modules[module] = higher;
    }
  }
  return { modules, scope: union(target.scope, source.scope), rights: union(target.rights, source.rights) };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameModules(a: UserAccess['modules'], b: UserAccess['modules']): boolean {
  if (a === b) return true;
  for (const module of MODULES) if (a[module] !== b[module]) return false;
  return true;
}

/** The parts of `after` that differ from `before`, each with its old value. Both must be normalised. */
export function accessDiff(
  b: UserAccess,
  a: UserAccess,
): { before: Partial<UserAccess>; after: Partial<UserAccess> } | null {
  const modules = !sameModules(b.modules, a.modules);
  const scope = !sameList(b.scope, a.scope);
  const rights = !sameList(b.rights, a.rights);
  // Nothing is allocated for a user whose access would not change (most of a repeated merge).
  if (!modules && !scope && !rights) return null;
  const diff: { before: Partial<UserAccess>; after: Partial<UserAccess> } = { before: {}, after: {} };
  if (modules) {
    diff.before.modules = b.modules;
    diff.after.modules = a.modules;
  }
  if (scope) {
    diff.before.scope = b.scope;
    diff.after.scope = a.scope;
  }
  if (rights) {
    diff.before.rights = b.rights;
    diff.after.rights = a.rights;
  }
  return diff;
}
