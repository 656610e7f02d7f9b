export { pgliteFromTemplate } from './embeddedDatabases';
export { signal } from './signal';
export { createTestDb, type TestDb } from './testDb';
export { adminUrl, databaseUrlFor } from './urls';
export { waitFor } from './waitFor';
