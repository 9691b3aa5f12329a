// Readiness probes for scripts/services.sh: exit 0 when the service answers a real request.
//   node services/ready.mjs kafka 127.0.0.1:9092       a kafkajs admin describeCluster
//   node services/ready.mjs hdfs http://127.0.0.1:9870  a WebHDFS CREATE (307 + 201), OPEN, DELETE
// Plain JavaScript, so it runs before kohort is built.
import { request } from 'node:http';

const [what, address] = process.argv.slice(2);

async function kafka() {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'kohort-ready', brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000 }).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers');
  } finally {
    await admin.disconnect();
  }
}

async function hdfs() {
  const path = `/tmp/.kohort-ready-${process.pid}`;
  const url = (op, extra = '') => `${address}/webhdfs/v1${path}?op=${op}&user.name=kohort${extra}`;
  const step1 = await fetch(url('CREATE', '&overwrite=true'), { method: 'PUT', redirect: 'manual', signal: AbortSignal.timeout(5000) });
  if (step1.status !== 307) throw new Error(`CREATE answered ${step1.status}: ${(await step1.text()).slice(0, 200)}`);
  // Not fetch: the DataNode answers `100 Continue` unasked, which fetch (undici) rejects as a bad
  // response; node:http skips informational responses.
  const status = await new Promise((done, fail) => {
    const req = request(step1.headers.get('location'), { method: 'PUT', timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode));
    });
    req.on('error', fail);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end('ok');
  });
  if (status !== 201) throw new Error(`CREATE on the DataNode answered ${status}`);
  const read = await fetch(url('OPEN'), { signal: AbortSignal.timeout(5000) });
  const text = await read.text();
  if (text !== 'ok') throw new Error(`OPEN answered ${read.status}: ${text.slice(0, 200)}`);
  await fetch(url('DELETE'), { method: 'DELETE', signal: AbortSignal.timeout(5000) });
}

try {
  if (what === 'kafka') await kafka();
  else if (what === 'hdfs') await hdfs();
  else throw new Error(`unknown service ${what}`);
} catch (e) {
  console.error(`${what} at ${address} not ready: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
