/** The `kohort` command line as a library: `main(argv)` returns the exit code. */
export { main, exitCodes, version } from './main.js';
export { processIo, type Io } from './io.js';
export { UsageError } from './args.js';
