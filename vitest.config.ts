import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{dsl,engine,connectors,cli,tests,workbench}/**/*.test.ts'],
    // DuckDB and the CLI spawn real processes; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Starts the real Kafka broker and HDFS once (scripts/services.sh); says plainly when it skips
    // their tests (no Java or Maven), and fails instead when CI=true.
    globalSetup: ['tests/services/global-setup.ts'],
  },
});
