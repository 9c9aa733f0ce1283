import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // The end-to-end tests sync whole sample orgs: seconds on an idle machine, but a loaded one
    // (parallel forks on 2 cores) must not turn a slow pass into a failure.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    pool: 'forks',
  },
});
