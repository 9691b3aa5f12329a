import type { CommandSpec, OptionSpec } from './args.js';

const lake: OptionSpec = { type: 'string', value: 'DIR', help: 'the lake (default: $KOHORT_LAKE, else ./lake)' };
const asOf: OptionSpec = { type: 'string', value: 'T', help: 'compute as of this date or time (2019-10-15, "2019-10-15 12:00:00")' };
const cell: OptionSpec = { type: 'string', value: 'NAME', multiple: true, help: 'only this definition (repeatable)' };

/** Every command, in the order `kohort --help` lists them. */
export const commandSpecs: CommandSpec[] = [
  {
    name: 'check',
    summary: 'check notebooks and print their diagnostics',
    args: 'FILE...',
    positionals: [1, Number.MAX_SAFE_INTEGER],
    options: {
      lake: { ...lake, help: 'read the sources’ columns from this lake, so columns and types are checked too' },
    },
    details:
      'Prints each problem as `file:line:col: severity code: message` with the source line marked.\n' +
      'Exits 1 if any notebook has errors, 0 otherwise (warnings and notes do not fail).\n' +
      'Without --lake (or $KOHORT_LAKE) only syntax and names are checked.',
  },
  {
    name: 'compile',
    summary: 'print the DuckDB SQL of a notebook',
    args: 'FILE',
    positionals: [1, 1],
    options: { cell, lake: { ...lake, help: 'read the sources’ columns from this lake (default: $KOHORT_LAKE, else ./lake)' }, 'as-of': asOf },
    details: 'Prints every definition’s SQL, each after a `-- cell NAME` line, or only the cells named with --cell.',
  },
  {
    name: 'run',
    summary: 'run a notebook’s cells and print the results',
    args: 'FILE',
    positionals: [1, 1],
    options: {
      cell,
      lake: { ...lake, value: 'DIR|URL', help: 'the lake: a folder, or hdfs://HOST:PORT/PATH read through a cache in .kohort/hdfs (default: $KOHORT_LAKE, else ./lake)' },
      'as-of': asOf,
      format: { type: 'string', value: 'table|csv|json', help: 'output format (default: table)' },
      limit: { type: 'string', value: 'N', help: 'rows to print per cell (default: 40 for table, all for csv and json)' },
      schedule: { type: 'string', value: 'NAME', help: 'run a schedule cell’s refresh now, recorded, with its retries (for cron, Airflow)' },
      rerun: { type: 'string', value: 'RUN_ID', help: 'run a recorded run again, at its as-of time (`kohort runs FILE` lists them)' },
    },
    details:
      'Without --cell, runs every profile, segment, query, sql and plot cell in file order, each under a title.\n' +
      'With --schedule or --rerun, the run is recorded under .kohort/runs/ beside the notebook, its profiles and\n' +
      'segments are kept as dated snapshots in the lake, and a per-cell log is printed (--format json: the record);\n' +
      'it exits 1 when the run failed, printing the error’s cell and file:line:col.\n' +
      'Relations the cells share (such as the scan that computes every metric) are computed once.\n' +
      'csv and json hold exact values: BIGINT ids keep every digit, timestamps are ISO 8601 text.\n' +
      'Environment: KOHORT_MEMORY_LIMIT (e.g. 8GB) and KOHORT_THREADS size DuckDB.',
  },
  {
    name: 'export',
    summary: 'write a segment’s members to CSV, Parquet or JSON, with its definition hash, as-of time and data version',
    args: 'NOTEBOOK',
    positionals: [1, 1],
    options: {
      segment: { type: 'string', value: 'NAME', help: 'the segment to export (required)' },
      format: { type: 'string', value: 'csv|parquet|json', help: 'file format (default: from --out’s extension, else csv)' },
      out: { type: 'string', value: 'FILE', help: 'where to write (required; replaced if it exists)' },
      lake,
      'as-of': asOf,
    },
    details:
      'Writes the members with the segment’s columns (the key and the metrics its rule reads); ids keep every digit.\n' +
      'The metadata (notebook, segment, definition hash, as-of time, data version = the lake files read):\n' +
      '  parquet: key/value metadata `kohort` (JSON) and `kohort.definition_hash`, `kohort.as_of`, `kohort.data_version`;\n' +
      '  json: one object {"kohort": metadata, "members": [...]};\n' +
      '  csv: beside the file, as FILE.meta.json.\n' +
      'DuckDB writes the file itself, so a 3M-member export needs no more memory than a run.',
  },
  {
    name: 'runs',
    summary: 'list a notebook’s recorded runs, newest first',
    args: 'FILE',
    positionals: [1, 1],
    options: {
      format: { type: 'string', value: 'table|json', help: 'output format (default: table; json: the full records)' },
      limit: { type: 'string', value: 'N', help: 'how many runs (default: 20)' },
    },
    details:
      'Runs are recorded by `kohort run FILE --schedule NAME`, `--rerun RUN_ID` and the schedules of `kohort serve`:\n' +
      'start, end, status, trigger, per-cell timings and row counts, errors with their place, the as-of time and\n' +
      'the lake files read. A run left running by a process that died is marked failed here.',
  },
  {
    name: 'import',
    summary: 'import CSV behaviour events into the lake',
    args: 'FILE.csv...',
    positionals: [1, Number.MAX_SAFE_INTEGER],
    options: {
      lake,
      source: { type: 'string', value: 'NAME', help: 'the lake dataset to write (default: events)' },
    },
    details: 'Rows that cannot be read are set aside in a rejects file, and counted.',
  },
  {
    name: 'generate',
    summary: 'generate synthetic behaviour events into the lake',
    args: '',
    positionals: [0, 0],
    options: {
      events: { type: 'string', value: 'N', help: 'how many events (e.g. 1000000, 250k, 42.4M)' },
      seed: { type: 'string', value: 'S', help: 'random seed: the same seed gives the same events' },
      lake,
      source: { type: 'string', value: 'NAME', help: 'the lake dataset to write (default: events)' },
      start: { type: 'string', value: 'DATE', help: 'first day (YYYY-MM-DD)' },
      days: { type: 'string', value: 'D', help: 'how many days the events span' },
      customers: { type: 'string', value: 'C', help: 'how many distinct customers' },
    },
  },
  {
    name: 'land',
    summary: 'land Kafka topics of events in the lake, exactly once, until stopped',
    args: '',
    positionals: [0, 0],
    options: {},
    ownArguments: async () => (await import('../connectors/land/index.js')).landUsage,
  },
  {
    name: 'replay',
    summary: 'stream events from a CSV, a lake or a live generator into Kafka',
    args: '[FILE.csv|LAKE]',
    positionals: [0, 1],
    options: {},
    ownArguments: async () => (await import('../connectors/replay/index.js')).replayUsage,
  },
  {
    name: 'serve',
    summary: 'start the workbench (web UI and HTTP API) on a folder of notebooks',
    args: '[DIR]',
    positionals: [0, 1],
    options: {
      workspace: { type: 'string', value: 'DIR', help: 'the folder of notebooks (same as DIR; default: the current folder)' },
      lake: { type: 'string', value: 'DIR|URL', help: 'the lake: a folder or hdfs://HOST:PORT/PATH (default: $KOHORT_LAKE, else DIR/lake)' },
      host: { type: 'string', value: 'HOST', help: 'address to listen on (default: 127.0.0.1; others need --token)' },
      port: { type: 'string', value: 'N', help: 'port (default: 4400; 0 picks a free one)' },
      token: { type: 'string', value: 'T', help: 'access token, 16+ characters (default: $KOHORT_TOKEN)' },
    },
    details:
      'Serves the notebooks in DIR (default: the current folder) until Ctrl-C. DuckDB may read DIR and the lake only.\n' +
      'Runs every pipeline cell of the notebooks in the background (Kafka → the lake, exactly once), restarting one when\n' +
      'its cell changes; the workbench shows their status live (also GET /api/pipelines). An hdfs:// lake is queried\n' +
      'through a cache of its landed files under DIR/.kohort/hdfs, brought up to date before each run.',
  },
  {
    name: 'help',
    summary: 'show help for a command',
    args: '[COMMAND]',
    positionals: [0, 1],
    options: {},
  },
];

export function commandSpec(name: string): CommandSpec | undefined {
  return commandSpecs.find((c) => c.name === name);
}
