import { defineConfig } from 'vitest/config';

/**
 * Test files that touch no global state share their worker's module cache (isolate: false): the CLI,
 * engine, model, I/O and core tests import the same modules (onnxruntime-node, the tokenizer, the
 * engine), and loading them again for every file cost about 70 of the 285 CPU-seconds of a run. The
 * app's tests (zustand stores, fake IndexedDB, mocked modules, fake timers), the worker's, and the one
 * file that replaces IndexedDB keep a fresh module graph per file.
 */
const ISOLATED = ['src/app/**/*.test.ts', 'workers/**/*.test.ts', 'src/io/app-databases.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one file at a time (cores − 1). Many files wait on child processes
    // (the CLI, python3, unzip) or on disk, so two at once keep both cores busy. Files share nothing:
    // each writes to its own temporary folder and servers listen on port 0.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ISOLATED,
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
