import { databaseTestConfig } from '@roster/db/testing/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { ...databaseTestConfig, include: ['test/**/*.test.ts'] } });
