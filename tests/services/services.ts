import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The real Kafka broker and HDFS the service tests run against (started by
 * `scripts/services.sh`). `KAFKA_BROKERS` and `WEBHDFS_URL` name running ones; otherwise they are
 * started here when Java and Maven are on the machine. Without them the service tests are
 * skipped with a plain reason — unless `CI=true`, where that is a failure.
 */
export interface Services {
  kafka: string;
  webhdfs: string;
}

export const repo = resolve(import.meta.dirname, '..', '..');
export const servicesScript = resolve(repo, 'scripts', 'services.sh');

/** Why the services cannot run here, or undefined when they can. */
export function missingTools(): string | undefined {
  for (const tool of ['java', 'mvn']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} not found: install a JDK 17 and Maven to run the Kafka and HDFS tests (scripts/services.sh starts the services)`;
    }
  }
  return undefined;
}

/** Runs `scripts/services.sh ARGS` with extra environment; resolves with what it printed. */
export function runServicesScript(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) => {
    execFile('bash', [servicesScript, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`scripts/services.sh ${args.join(' ')} failed:\n${stderr}${stdout}`));
      else done(`${stdout}${stderr}`);
    });
  });
}

let started: Promise<Services | string> | undefined;

/**
 * The services, or the reason the tests using them must skip. Starts them once per process if
 * they are not given; throws instead of skipping under CI=true.
 */
export function useServices(): Promise<Services | string> {
  started ??= (async () => {
    const given = process.env['KAFKA_BROKERS'] && process.env['WEBHDFS_URL'];
    if (given) return { kafka: process.env['KAFKA_BROKERS']!, webhdfs: process.env['WEBHDFS_URL']! };
    const missing = missingTools();
    if (missing) {
      if (process.env['CI'] === 'true') throw new Error(`CI=true and the Kafka/HDFS tests cannot run: ${missing}`);
      return missing;
    }
    await runServicesScript(['up']);
    return { kafka: '127.0.0.1:9092', webhdfs: 'http://127.0.0.1:9870' };
  })();
  return started;
}

/** Prints the skip reason once per file, plainly. */
export function noteSkip(file: string, services: Services | string): services is string {
  if (typeof services === 'string') {
    process.stderr.write(`SKIPPED ${file}: ${services}\n`);
    return true;
  }
  return false;
}

/**
 * Runs `fn` while holding a lock shared by the heavy service tests (1M events, private service
 * pairs), so that on a 2-core machine they take turns instead of starving each other and the rest
 * of the suite. The lock is a file holding the owner's pid; a dead owner's lock is taken over.
 */
export async function heavyTestTurn<T>(fn: () => Promise<T>): Promise<T> {
  const { open, readFile, rm, mkdir } = await import('node:fs/promises');
  const dir = resolve(repo, '.cache', 'services');
  await mkdir(dir, { recursive: true });
  const lock = resolve(dir, 'heavy-test.lock');
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(await readFile(lock, 'utf8').catch(() => ''));
      let alive = false;
      try {
        if (owner > 0) process.kill(owner, 0);
        alive = owner > 0;
      } catch {
        alive = false;
      }
      if (!alive && owner > 0) await rm(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
