import { defineConfig } from 'vitest/config';
import { databaseTestConfig } from '../../packages/db/src/testing/vitestConfig.ts';

export default defineConfig({ test: { ...databaseTestConfig, include: ['test/**/*.test.ts'] } });
