import { defineConfig } from 'vitest/config';
import { databaseTestConfig } from './vitest.shared.js';

export default defineConfig({ test: { ...databaseTestConfig, include: ['test/**/*.test.ts'] } });
