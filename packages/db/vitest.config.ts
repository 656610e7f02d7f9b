import { defineConfig } from 'vitest/config';
import { databaseTestConfig } from './src/testing/vitestConfig';

export default defineConfig({ test: { ...databaseTestConfig, include: ['test/**/*.test.ts'] } });
