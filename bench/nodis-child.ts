// A nodis server as a child process for bench/run.ts, used when bin/nodis-server is not
// available: `node dist/bench/nodis-child.js --port 7000 --save '' --appendonly no ...`.
// Arguments are redis-server style `--name value...` pairs; the process stops on SIGTERM/SIGINT.

import { startServer, type ServerOptions } from '../src/index.js';

function parseArgs(argv: readonly string[]): ServerOptions {
  const options: ServerOptions = {};
  for (let i = 0; i < argv.length; ) {
    const flag = argv[i]!;
    if (!flag.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(flag)}`);
    const values: string[] = [];
    for (i++; i < argv.length && !argv[i]!.startsWith('--'); i++) values.push(argv[i]!);
    options[flag.slice(2)] = values.length === 1 ? values[0]! : values;
  }
  return options;
}

const server = await startServer(parseArgs(process.argv.slice(2)));
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
