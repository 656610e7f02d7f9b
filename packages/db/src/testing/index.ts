export { signal } from './signal';
export { createTestDb, pgliteFromTemplate, type TestDb } from './testDb';
export { adminUrl, databaseUrlFor } from './urls';
export { waitFor } from './waitFor';
