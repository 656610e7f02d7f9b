import { databaseTestConfig } from '@roster/db/vitest-config';
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { ...databaseTestConfig, include: ['test/**/*.test.ts'] } });
