// nodis-server: the executable, with redis-server's arguments and start-up sequence.
//
//   nodis-server [/path/to/redis.conf] [--name value ...] [-]
//
// Order as Redis 7.0's main(): load the configuration (a fatal block on stderr and exit 1 on
// a bad directive), log the start lines, listen, write the pid file, show the logo or the
// one-line banner, "Server initialized", load the data, "Ready to accept connections tcp".
// SIGTERM/SIGINT and SHUTDOWN end the process through Server.shutdown(), exit code 0.

import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Config, fsPath, ignoredNotice, strerror } from '../server/config.js';
import { ConfigFileError, ConfigOpenError, loadServerConfig, parseCommandLine, type LoadState } from '../server/config-file.js';
import { Logger, type LogLevel } from '../server/logger.js';
import { Server } from '../server/server.js';
import { AofFatalError } from '../aof/loader.js';
import { NODIS_VERSION, REDIS_VERSION } from '../version.js';

const PROGRAM = 'nodis-server';

/** The --version line, in redis-server's format (tools parse `v=`), plus nodis's version. */
export function versionLine(): string {
  const build = createHash('sha1').update(`nodis-${NODIS_VERSION}`).digest('hex').slice(0, 16);
  return `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=${build} nodis=${NODIS_VERSION}`;
}

export function usage(): string {
  const p = `./${PROGRAM}`;
  return [
    `Usage: ${p} [/path/to/redis.conf] [options] [-]`,
    `       ${p} - (read config from stdin)`,
    `       ${p} -v or --version`,
    `       ${p} -h or --help`,
    '',
    'Examples:',
    `       ${p} (run the server with default conf)`,
    `       echo 'maxmemory 128mb' | ${p} -`,
    `       ${p} /etc/redis/6379.conf`,
    `       ${p} --port 7777`,
    `       ${p} /etc/myredis.conf --loglevel verbose -`,
    `       ${p} /etc/myredis.conf --loglevel verbose`,
    '',
  ].join('\n');
}

/** nodis's own start-up art, with the facts Redis's logo shows. */
export function logo(port: number, pid: number): string {
  const info = [
    `nodis ${NODIS_VERSION} - Redis ${REDIS_VERSION} (00000000/0) 64 bit`,
    '',
    'Running in standalone mode',
    `Port: ${port}`,
    `PID: ${pid}`,
    '',
    '',
  ];
  const art = [
    '                  _ _         ',
    '  _ __   ___   __| (_)___     ',
    " | '_ \\ / _ \\ / _` | / __|    ",
    ' | | | | (_) | (_| | \\__ \\    ',
    ' |_| |_|\\___/ \\__,_|_|___/    ',
    '                              ',
    '  Redis-compatible, on Node.js',
  ];
  return '\n' + art.map((a, i) => `${a}     ${info[i] ?? ''}`.trimEnd()).join('\n') + '\n\n';
}

/** Program arguments as nodis holds every string: one char per byte. */
function latin1(arg: string): string {
  return Buffer.from(arg, 'utf8').toString('latin1');
}

function resolveInDir(config: Config, file: string): string {
  return path.resolve(fsPath(config.str('dir')), fsPath(file));
}

/** The line Redis's signal handler logs (serverLogFromHandler's own format). */
function signalLog(logger: Logger, message: string): void {
  if (logger.enabled('warning')) logger.raw(`${process.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) ${message}`);
}

export async function main(rawArgs: readonly string[]): Promise<void> {
  const args = rawArgs.map(latin1);
  if (args[0] === '-v' || args[0] === '--version') {
    process.stdout.write(versionLine() + '\n');
    process.exit(0);
  }
  if (args[0] === '--help' || args[0] === '-h') {
    process.stderr.write(usage());
    process.exit(1);
  }

  // Before the configuration is known, Redis logs to stdout at its default level.
  const boot = new Logger();
  boot.role = 'C';
  const config = new Config();
  const cmd = parseCommandLine(args);
  let state: LoadState | null = null;
  try {
    if (args.length > 0) state = loadServerConfig(config, cmd, { readStdin: () => fs.readFileSync(0, 'latin1'), onStdin: () => boot.warning('Reading config from stdin') });
  } catch (err) {
    if (err instanceof ConfigFileError) {
      process.stderr.write(err.block);
      process.exit(1);
    }
    if (err instanceof ConfigOpenError) {
      boot.warning(err.message);
      process.exit(1);
    }
    throw err;
  }

  const logfile = config.str('logfile') === '' ? '' : resolveInDir(config, config.str('logfile'));
  boot.level = config.str('loglevel') as LogLevel;
  boot.file = logfile;
  boot.warning('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  boot.warning(`Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`);
  if (args.length === 0) {
    boot.warning(`Warning: no config file specified, using the default config. In order to specify a config file use ${PROGRAM} /path/to/redis.conf`);
  } else {
    boot.warning('Configuration loaded');
  }
  for (const name of state?.notices ?? []) boot.warning(ignoredNotice(name));

  const server = new Server(config);
  const log = server.logger;
  log.file = logfile;
  server.configFile = cmd.configFile ?? '';

  // Signal handlers first, as Redis installs them in initServer().
  const pidfile = config.str('pidfile') === '' ? '' : resolveInDir(config, config.str('pidfile'));
  let shuttingDown = false;
  server.onShutdown = () => {
    if (pidfile !== '') {
      log.notice('Removing the pid file.');
      fs.rmSync(pidfile, { force: true });
    }
    process.exit(0);
  };
  const onSignal = (sig: 'SIGTERM' | 'SIGINT') => {
    if (shuttingDown) {
      if (sig === 'SIGINT') {
        signalLog(log, 'You insist... exiting now.');
        process.exit(1);
      }
      return;
    }
    shuttingDown = true;
    signalLog(log, `Received ${sig} scheduling shutdown...`);
    // Redis's cron then runs prepareForShutdown(), which logs as for SHUTDOWN.
    void server.shutdown('user').then((done) => {
      if (done) return;
      shuttingDown = false;
      log.warning(`${sig} received but errors trying to shut down the server, check the logs for more information`);
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  if (config.num('port') === 0 || config.list('bind').length === 0) {
    log.warning('Configured to not listen anywhere, exiting.');
    process.exit(1);
  }
  try {
    await server.listen();
  } catch {
    process.exit(1); // listen() has logged why
  }

  if (pidfile !== '') {
    try {
      fs.writeFileSync(pidfile, `${process.pid}\n`);
    } catch (err) {
      log.warning(`Failed to write PID file: ${strerror(err)}`);
    }
  }

  const showLogo = (logfile === '' && !config.bool('syslog-enabled') && process.stdout.isTTY === true) || config.bool('always-show-logo');
  if (!showLogo) log.notice(`Running mode=standalone, port=${server.port}.`);
  else if (log.enabled('notice')) log.raw(logo(server.port, process.pid));

  log.warning('Server initialized');
  // A fatal persistence error (Redis's exit(1) paths) ends the process once logged.
  server.onFatal = () => process.exit(1);
  try {
    await server.persistence.loadAtStartup();
  } catch (err) {
    if (!(err instanceof AofFatalError)) throw err;
    server.crash(err.logLines);
    process.exit(1);
  }
  // 7.0 logs "Ready to accept connections"; 7.2 added the listener type. Both are prefixes of this.
  log.notice('Ready to accept connections tcp');
}
