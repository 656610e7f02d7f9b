export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: a tarball of a migrated data directory. Postgres: the migrated template database. */
    rosterTemplate: { kind: 'pglite'; file: string } | { kind: 'postgres'; url: string; database: string };
  }
}
