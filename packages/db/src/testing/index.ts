export { createTestDb, type TestDb } from './testDb';
