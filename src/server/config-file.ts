// redis.conf syntax, as Redis 7.0's loadServerConfigFromString() reads it: one directive per
// line, `#` comments and blank lines skipped, arguments split like sdssplitargs ("double
// quotes" with escapes, 'single quotes', "" for an empty value), `include <path>` (glob
// patterns allowed), the same directive twice (the last wins; consecutive `save` lines add
// up), and the exact fatal error block on a bad directive or value. Also the command line:
// `nodis-server [configfile] [--name value ...] [-]`, whose options are appended to the text.
//
// Text is one char per byte (latin1), like every other value in nodis.

import fs from 'node:fs';
import path from 'node:path';
import { splitArgs } from '../resp/decoder.js';
import { globMatch } from '../keyspace/glob.js';
import { REDIS_VERSION } from '../version.js';
import { Config, fsPath, strerror } from './config.js';
import { DEPRECATED_DIRECTIVES } from './config-table.js';
import { quoteRepr } from './monitor.js';

/** The `*** FATAL CONFIG FILE ERROR ***` condition: Redis prints the block and exits 1. */
export class ConfigFileError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based line of the text being parsed, or null for a check made after the last line. */
    readonly lineNumber: number | null = null,
    readonly lineText: string | null = null,
  ) {
    super(reason);
    this.name = 'ConfigFileError';
  }

  /** The block exactly as Redis writes it to stderr. */
  get block(): string {
    let out = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
    if (this.lineNumber !== null) out += `Reading the configuration file, at line ${this.lineNumber}\n>>> '${this.lineText}'\n`;
    return out + `${this.reason}\n`;
  }
}

/** A config file that cannot be read: Redis logs this (a warning) and exits 1. */
export class ConfigOpenError extends Error {
  constructor(file: string, err: unknown) {
    super(`Fatal error, can't open config file '${file}': ${strerror(err)}`);
    this.name = 'ConfigOpenError';
  }
}

export interface LoadState {
  /** A `save` directive was already read: the next ones add to it instead of replacing. */
  saveSeen: boolean;
  /** Directives nodis accepts without acting on them, to report once each (in order). */
  readonly notices: string[];
}

export function newLoadState(): LoadState {
  return { saveSeen: false, notices: [] };
}

function notice(state: LoadState, name: string): void {
  if (!state.notices.includes(name)) state.notices.push(name);
}

/**
 * loadServerConfigFromString(): applies every directive of `text` to `config`. Throws
 * ConfigFileError (the fatal block) or ConfigOpenError (an unreadable include).
 */
export function loadConfigFromString(config: Config, text: string, state: LoadState = newLoadState()): LoadState {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const fail = (reason: string): never => {
      throw new ConfigFileError(reason, i + 1, line);
    };
    const argv = splitArgs(line);
    if (argv === null) fail('Unbalanced quotes in configuration line');
    if (argv!.length === 0) continue;
    const name = argv![0]!.toLowerCase();
    const argc = argv!.length;

    const p = config.param(name);
    if (p !== undefined) {
      if (!p.multiArg && argc !== 2) fail('wrong number of arguments');
      let args = argv!.slice(1);
      // A multi-argument directive given as one argument ("--bind 'a b'") is split again.
      if (p.multiArg && argc === 2 && args[0] !== '') {
        const split = splitArgs(args[0]!);
        if (split === null) fail('Unbalanced quotes in configuration line');
        args = split!;
      }
      const err = config.set(p.name, args, p.name === 'save' && state.saveSeen);
      if (err !== null) fail(err);
      if (p.name === 'save') state.saveSeen = true;
      if (config.shouldReportIgnored(p)) notice(state, p.name);
      continue;
    }
    if (DEPRECATED_DIRECTIVES.includes(name) && argc === 2) continue;

    if (name === 'include' && argc === 2) {
      loadConfigFromString(config, readConfigFiles(config, argv![1]!), state);
    } else if ((name === 'rename-command' && argc === 3) || (name === 'user' && argc >= 2) || (name === 'loadmodule' && argc >= 2)) {
      notice(state, name);
    } else if (name.includes('.')) {
      if (argc !== 2) fail('Module config specified without value');
      notice(state, name);
    } else if (name === 'sentinel') {
      if (argc !== 1) fail('sentinel directive while not in sentinel mode');
    } else {
      fail('Bad directive or wrong number of arguments');
    }
  }
  finalChecks(config);
  return state;
}

/** The checks Redis makes once the text is read (no line is shown in their error block). */
function finalChecks(config: Config): void {
  const logfile = config.str('logfile');
  if (logfile !== '') {
    try {
      fs.closeSync(fs.openSync(path.resolve(fsPath(config.str('dir')), fsPath(logfile)), 'a'));
    } catch (err) {
      throw new ConfigFileError(`Can't open the log file: ${strerror(err)}`);
    }
  }
  if (config.bool('cluster-enabled') && config.str('replicaof') !== '') {
    throw new ConfigFileError('replicaof directive not allowed in cluster mode');
  }
  // Out-of-range hz is accepted and clamped, for backward compatibility.
  const hz = config.num('hz');
  if (hz < 1) config.store('hz', 1);
  if (hz > 500) config.store('hz', 500);
}

/**
 * The content of a config file (as latin1), or of every file a glob pattern matches. A
 * relative path is relative to the current `dir` (Redis has chdir'ed into it by then).
 */
export function readConfigFiles(config: Config, file: string): string {
  const base = fsPath(config.str('dir'));
  if (/[*?[]/.test(file)) {
    let out = '';
    for (const f of globFiles(base, fsPath(file))) {
      try {
        out += fs.readFileSync(path.resolve(base, f), 'latin1');
      } catch (err) {
        throw new ConfigOpenError(f, err);
      }
    }
    return out;
  }
  try {
    return fs.readFileSync(path.resolve(base, fsPath(file)), 'latin1');
  } catch (err) {
    throw new ConfigOpenError(file, err);
  }
}

/** glob(3) over `pattern` (relative to `base`): sorted matches, none if nothing matches. */
function globFiles(base: string, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let found = [absolute ? '/' : ''];
  for (const part of absolute ? parts.slice(1) : parts) {
    const next: string[] = [];
    for (const prefix of found) {
      if (!/[*?[]/.test(part)) {
        next.push(prefix === '' ? part : path.join(prefix, part));
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(path.resolve(base, prefix || '.'));
      } catch {
        continue;
      }
      for (const n of names.sort()) {
        // As glob(3): a leading dot is only matched explicitly.
        if (n.startsWith('.') && !part.startsWith('.')) continue;
        if (globMatch(part, n)) next.push(prefix === '' ? n : path.join(prefix, n));
      }
    }
    found = next;
  }
  return found.filter((f) => f !== '' && fs.existsSync(path.resolve(base, f)));
}

// ---- command line ------------------------------------------------------------------------------

export interface CommandLine {
  /** The config file, made absolute (CONFIG REWRITE writes it); null when none. */
  readonly configFile: string | null;
  /** `-` was given: the config is also read from standard input. */
  readonly stdin: boolean;
  /** The `--name value` options as config text, appended after the file and stdin. */
  readonly options: string;
}

/**
 * main()'s argument handling (after --version/--help): an optional config file first, `-` for
 * stdin as the first or last argument, and every `--name` starting a directive line whose
 * arguments are the following arguments (quoted) up to the next `--name`. A `--name` just
 * after an option name without arguments is taken as its argument; `--save` without
 * arguments means `save ""`. `args` excludes the program name and holds latin1 strings.
 */
export function parseCommandLine(args: readonly string[], cwd = process.cwd()): CommandLine {
  let j = 0;
  let configFile: string | null = null;
  let stdin = false;
  let options = '';
  if (args.length > 0 && !args[0]!.startsWith('-')) {
    configFile = path.resolve(cwd, args[0]!);
    j = 1;
  }
  let handledLastArg = true;
  const argc = args.length;
  for (; j < argc; j++) {
    const a = args[j]!;
    if (a === '-' && (j === 0 || j === argc - 1)) {
      stdin = true;
    } else if (handledLastArg && a.startsWith('--')) {
      if (options.length > 0) options += '\n';
      options += a.slice(2) + ' ';
      const split = splitArgs(a);
      if (split !== null && split.length === 1) {
        handledLastArg = false;
        const isSave = a.toLowerCase() === '--save';
        if (isSave && j !== argc - 1 && args[j + 1]!.startsWith('--')) {
          options += '""';
          handledLastArg = true;
        } else if (isSave && j === argc - 1) {
          options += '""';
        }
      } else {
        handledLastArg = true;
      }
    } else {
      options += quoteRepr(a) + ' ';
      handledLastArg = true;
    }
  }
  return { configFile, stdin, options };
}

/**
 * loadServerConfig(): the config file (if any), then stdin (if asked), then the options, as
 * one text. `readStdin` supplies standard input (latin1) and `onStdin` is told before it is
 * read (Redis logs "Reading config from stdin").
 */
export function loadServerConfig(
  config: Config,
  cmd: CommandLine,
  io: { readStdin: () => string; onStdin?: () => void } = { readStdin: () => fs.readFileSync(0, 'latin1') },
): LoadState {
  let text = '';
  if (cmd.configFile !== null) text += readConfigFiles(config, cmd.configFile);
  if (cmd.stdin) {
    io.onStdin?.();
    text += io.readStdin();
  }
  text += '\n' + cmd.options;
  return loadConfigFromString(config, text);
}
