import { generateEvents } from '../connectors/generate/generate.js';

/**
 * Synthetic-month generation: events/s and total seconds for `events` events (REES46 October is
 * 42,448,764) written into `lake` (source `events`; the caller owns and removes the folder). CPU
 * seconds are reported too: on a shared machine they say more than wall time.
 */
export async function benchGenerate(opts: { events: number; lake: string }): Promise<{ name: string; value: number; unit: string; note?: string }[]> {
  const cpu0 = process.cpuUsage();
  const report = await generateEvents({ events: opts.events, seed: 1, lake: opts.lake });
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const note = `${report.events.toLocaleString('en')} events, ${report.customers.toLocaleString('en')} customers, ${report.days} days, ${report.files.length} files`;
  return [
    { name: 'generate: throughput', value: Math.round(report.events / report.seconds), unit: 'events/s', note },
    { name: 'generate: total time', value: Number(report.seconds.toFixed(1)), unit: 's', note },
    { name: 'generate: CPU time', value: Number(cpuSeconds.toFixed(1)), unit: 's', note: 'user + system, all threads' },
  ];
}
