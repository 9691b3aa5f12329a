import { once } from 'node:events';
import { startServer } from '../workbench/server/index.js';
import { countValue, stringValue, UsageError, type ParsedCommand } from './args.js';
import type { Io } from './io.js';

/** `kohort serve [DIR]`: the workbench on a folder of notebooks, until SIGINT or SIGTERM. */
export async function serveCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const port = stringValue(parsed, 'port');
  const token = stringValue(parsed, 'token') || io.env['KOHORT_TOKEN'];
  const lake = stringValue(parsed, 'lake') || io.env['KOHORT_LAKE'];
  const host = stringValue(parsed, 'host');
  const workspace = stringValue(parsed, 'workspace');
  if (workspace && parsed.positionals[0] && workspace !== parsed.positionals[0]) {
    throw new UsageError('give the workspace once: either DIR or --workspace DIR', 'serve');
  }
  const server = await startServer({
    workspace: workspace || parsed.positionals[0] || '.',
    ...(lake ? { lake } : {}),
    ...(host ? { host } : {}),
    ...(port !== undefined ? { port: countValue(port, 'port', 'serve', 0, 65535) } : {}),
    ...(token ? { token } : {}),
  });
  io.stdout.write(`kohort serve: ${server.url}/${server.token ? `?token=${encodeURIComponent(server.token)}` : ''}\n`);
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  io.stderr.write('kohort serve: stopping\n');
  await server.close();
  return 0;
}
