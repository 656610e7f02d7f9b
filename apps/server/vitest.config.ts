import { databaseTestConfig } from '../../packages/db/src/testing/vitestConfig.ts';
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { ...databaseTestConfig, include: ['test/**/*.test.ts'] } });
