import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The workbench UI: `vite build --config workbench/vite.config.ts` writes `dist/workbench-ui/`,
 * which `kohort serve` serves. Everything the page loads comes from our own origin: Monaco's
 * editor worker, the language worker, duckdb-wasm's worker and wasm are bundled as assets.
 * `vite --config workbench/vite.config.ts` serves it in development, proxying `/api` to a running
 * `kohort serve` (`KOHORT_API`, default http://127.0.0.1:4710).
 */
const root = fileURLToPath(new URL('./ui', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/workbench-ui', import.meta.url));
// Monaco's package exports hide its CSS and contribution modules; `monaco-esm/…` reaches them.
const monacoEsm = fileURLToPath(new URL('../node_modules/monaco-editor/esm/vs/', import.meta.url));

export default defineConfig({
  root,
  base: './',
  // The repo's own public/ is not ours to serve.
  publicDir: false,
  clearScreen: false,
  // Lit's standard decorators (`@property() accessor x`) are lowered here: browsers lack them.
  esbuild: { target: 'es2022' },
  resolve: { alias: [{ find: /^monaco-esm\//, replacement: monacoEsm }] },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Monaco and duckdb-wasm are large by nature; they load lazily, after the first paint.
    chunkSizeWarningLimit: 6000,
    reportCompressedSize: false,
    assetsInlineLimit: 0,
    rollupOptions: {
      // dsl/ modules only define things; what the page does not import (the lexer and parser at
      // first paint) stays out of the first chunk and loads with Monaco and the language worker.
      treeshake: { moduleSideEffects: (id) => !/[\\/]dsl[\\/]/.test(id) },
    },
  },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
  server: {
    proxy: { '/api': process.env['KOHORT_API'] ?? 'http://127.0.0.1:4710' },
  },
});
