import { defineConfig } from 'vitest/config';

// Three lanes; `npm test` runs them all. `npm run test:unit` is the fast lane: the product's unit
// tests, its workflows on the real ASL with mocked AWS, and the packaging tests.
export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/workflows/**/*.test.ts', 'test/deploy/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'local', include: ['packages/*/test/**/*.test.ts', 'test/local-runtime/**/*.test.ts', 'test/cli/**/*.test.ts'] },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
