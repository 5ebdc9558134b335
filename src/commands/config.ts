// CONFIG GET / SET / RESETSTAT / REWRITE / HELP, as Redis 7.0's config.c: several parameters
// per call, SET all-or-nothing, immutable and protected parameters refused, side effects
// applied through Server.applyConfig (and rolled back if one fails).

import type { Client } from '../server/client.js';
import type { ConfigParam } from '../server/config-table.js';
import { ignoredNotice, isParseError, strerror } from '../server/config.js';
import { rewriteConfigFile } from '../server/config-rewrite.js';
import { globMatch } from '../keyspace/glob.js';
import { ERR_LOADING, ERR_SYNTAX } from './errors.js';
import type { CommandFlag, CommandSpec } from './types.js';

const ADMIN_FLAGS: readonly CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];

/** addReplyHelp(): the header, the lines, then HELP's own two lines, as simple strings. */
function replyHelp(c: Client, lines: readonly string[]): void {
  c.reply.array(lines.length + 3);
  c.reply.simple(`${c.argv[0]!.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.reply.simple(l);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

/** The name a parameter is known by in Redis's table: its own, or the alias given. */
function tableKey(p: ConfigParam, given: string): string {
  const lower = given.toLowerCase();
  return p.aliases?.includes(lower) ? lower : p.name;
}

// CONFIG GET parameter [parameter ...]
function configGet(c: Client): void {
  const config = c.server.config;
  const matches = new Map<string, ConfigParam>();
  for (const pattern of c.argv.slice(2)) {
    if (!/[[*?]/.test(pattern)) {
      if (matches.has(pattern)) continue;
      const p = config.param(pattern);
      if (p !== undefined) matches.set(pattern, p);
      continue;
    }
    // A pattern matches names and aliases alike, never a hidden parameter.
    for (const [key, p] of config.params) {
      if (p.hidden || matches.has(key)) continue;
      if (globMatch(pattern, key, true)) matches.set(key, p);
    }
  }
  c.reply.map(matches.size);
  for (const [key, p] of matches) {
    c.reply.bulk(key);
    c.reply.bulk(config.format(p.name));
  }
}

// CONFIG SET parameter value [parameter value ...]
function configSet(c: Client): void {
  const server = c.server;
  const config = server.config;
  const argv = c.argv;
  if (argv.length % 2 !== 0) return c.reply.error(ERR_SYNTAX);
  const count = (argv.length - 2) / 2;
  const params: ConfigParam[] = [];
  const keys: string[] = [];
  let unknownName: string | null = null;
  let errName = '';
  let errText: string | null = null;
  let invalid = false;
  let denyLoading = false;
  let redacted: string[] | null = null;

  for (let i = 0; i < count; i++) {
    const given = argv[2 + i * 2]!;
    const p = config.param(given);
    if (p === undefined) {
      if (!invalid) unknownName = given;
      invalid = true;
      continue;
    }
    // Redact every sensitive value, even past an error, so no log shows it.
    if (p.sensitive) (redacted ??= [...argv])[3 + i * 2] = '(redacted)';
    if (invalid) continue;
    if (!p.mutable || (p.protected && !c.server.protectedActionAllowed('enable-protected-configs', c))) {
      errText = p.mutable ? "can't set protected config" : "can't set immutable config";
      errName = given;
      invalid = true;
      continue;
    }
    if (server.keyspace.loading && p.denyLoading) {
      denyLoading = true;
      invalid = true;
      continue;
    }
    const key = tableKey(p, given);
    if (keys.includes(key)) {
      errText = 'duplicate parameter';
      errName = given;
      invalid = true;
      continue;
    }
    params.push(p);
    keys.push(key);
  }
  if (redacted !== null) c.argv = redacted;

  const fail = (): void => {
    if (denyLoading) c.reply.error(ERR_LOADING);
    else if (unknownName !== null) c.reply.error(`ERR Unknown option or number of arguments for CONFIG SET - '${unknownName}'`);
    else if (errText !== null) c.reply.error(`ERR CONFIG SET failed (possibly related to argument '${errName}') - ${errText}`);
    else c.reply.error(`ERR CONFIG SET failed (possibly related to argument '${errName}')`);
  };
  if (invalid) return fail();

  const old = params.map((p) => config.saved(p.name));
  const oldText = params.map((p) => config.format(p.name));
  const restore = () => params.forEach((p, i) => config.restore(p.name, old[i]!));

  // Set every value first (nothing applied yet) ...
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const r = config.parse(p, argv[3 + i * 2]!);
    if (isParseError(r)) {
      restore();
      errName = keys[i]!;
      errText = r.error;
      return fail();
    }
    config.set(p.name, argv[3 + i * 2]!);
  }
  // ... then apply the ones that changed; one failure restores and re-applies them all.
  const changed = params.filter((p, i) => config.format(p.name) !== oldText[i]);
  for (const p of changed) {
    const err = server.applyConfig(p.name, config.get(p.name)!, old[params.indexOf(p)]!.value);
    if (err === null) continue;
    server.logger.warning(`Failed applying new configuration. Possibly related to new ${p.name} setting. Restoring previous settings.`);
    restore();
    for (const q of changed.slice(0, changed.indexOf(p))) {
      const e = server.applyConfig(q.name, config.get(q.name)!, undefined);
      if (e !== null) server.logger.warning(`Failed applying restored failed CONFIG SET command: ${e}`);
    }
    errName = keys[params.indexOf(p)]!;
    errText = err;
    return fail();
  }
  for (const p of changed) if (config.shouldReportIgnored(p)) server.logger.warning(ignoredNotice(p.name));
  c.reply.ok();
}

// CONFIG RESETSTAT
function configResetStat(c: Client): void {
  const server = c.server;
  server.stats.reset();
  server.commands.resetStats();
  const ks = server.keyspace.stats;
  ks.hits = ks.misses = ks.expiredKeys = ks.expiredStalePerc = 0;
  c.reply.ok();
}

// CONFIG REWRITE
function configRewrite(c: Client): void {
  const server = c.server;
  if (server.configFile === '') return c.reply.error('ERR The server is running without a config file');
  try {
    rewriteConfigFile(server.config, server.configFile);
  } catch (err) {
    server.logger.warning(`CONFIG REWRITE failed: ${strerror(err)}`);
    return c.reply.error(`ERR Rewriting config file: ${strerror(err)}`);
  }
  server.logger.warning('CONFIG REWRITE executed with success.');
  c.reply.ok();
}

export const configCommands = [
  {
    name: 'config',
    arity: -2,
    flags: [],
    group: 'server',
    since: '2.0.0',
    summary: 'A container for server configuration commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        // CONFIG GET parameter [parameter ...]
        name: 'get',
        arity: -3,
        flags: ADMIN_FLAGS,
        group: 'server',
        since: '2.0.0',
        summary: 'Get the values of configuration parameters',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
        arguments: [{ name: 'parameter', type: 'block', multiple: true, arguments: [{ name: 'parameter', type: 'string' }] }],
        handler: configGet,
      },
      {
        // CONFIG SET parameter value [parameter value ...]
        name: 'set',
        arity: -4,
        flags: ADMIN_FLAGS,
        group: 'server',
        since: '2.0.0',
        summary: 'Set configuration parameters to the given values',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        arguments: [
          {
            name: 'parameter_value',
            type: 'block',
            multiple: true,
            arguments: [
              { name: 'parameter', type: 'string' },
              { name: 'value', type: 'string' },
            ],
          },
        ],
        handler: configSet,
      },
      {
        // CONFIG RESETSTAT
        name: 'resetstat',
        arity: 2,
        flags: ADMIN_FLAGS,
        group: 'server',
        since: '2.0.0',
        summary: 'Reset the stats returned by INFO',
        complexity: 'O(1)',
        handler: configResetStat,
      },
      {
        // CONFIG REWRITE
        name: 'rewrite',
        arity: 2,
        flags: ADMIN_FLAGS,
        group: 'server',
        since: '2.8.0',
        summary: 'Rewrite the configuration file with the in memory configuration',
        complexity: 'O(1)',
        handler: configRewrite,
      },
      {
        // CONFIG HELP
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler(c) {
          replyHelp(c, [
            'GET <pattern>',
            '    Return parameters matching the glob-like <pattern> and their values.',
            'SET <directive> <value>',
            '    Set the configuration <directive> to <value>.',
            'RESETSTAT',
            '    Reset statistics reported by the INFO command.',
            'REWRITE',
            '    Rewrite the configuration file.',
          ]);
        },
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

