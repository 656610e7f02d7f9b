export { createTestDb, type TestDb } from './testDb';
export { adminUrl, databaseUrlFor } from './urls';
