import { missingTools, runServicesScript } from './services.js';

/**
 * vitest globalSetup: starts the real Kafka broker and HDFS once for the whole run (unless
 * KAFKA_BROKERS and WEBHDFS_URL already name running ones), exports their addresses to the test
 * workers, and stops them afterwards if it started them. Without Java or Maven it says plainly
 * that the service tests are skipped; with CI=true that is a failure instead.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env['KAFKA_BROKERS'] && process.env['WEBHDFS_URL']) return async () => {};
  const missing = missingTools();
  if (missing) {
    if (process.env['CI'] === 'true') throw new Error(`CI=true and the Kafka/HDFS tests cannot run: ${missing}`);
    process.stderr.write(`\nkohort: SKIPPING the Kafka and HDFS tests: ${missing}\n\n`);
    return async () => {};
  }
  const t0 = performance.now();
  const status = await runServicesScript(['status']).catch(() => '');
  const wasRunning = /kafka: running/.test(status) && /hdfs: running/.test(status);
  await runServicesScript(['up']);
  process.env['KAFKA_BROKERS'] = '127.0.0.1:9092';
  process.env['WEBHDFS_URL'] = 'http://127.0.0.1:9870';
  process.stderr.write(`kohort: Kafka and HDFS ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return async () => {
    if (!wasRunning) await runServicesScript(['down']);
  };
}
