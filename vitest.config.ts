import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one file at a time (cores − 1). Many files wait on child processes
    // (the CLI, python3, unzip) or on disk, so two at once keep both cores busy. Files share nothing:
    // each writes to its own temporary folder and servers listen on port 0.
    maxWorkers: 2,
  },
});
