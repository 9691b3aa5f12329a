import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{dsl,engine,connectors,cli,tests,workbench}/**/*.test.ts'],
    // DuckDB and the CLI spawn real processes; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
