// redis.conf parsing, the command line, value types and CONFIG REWRITE's text, checked against
// what Redis 7.0.15 does (texts and forms taken from a real redis-server 7.0.15).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config, isParseError } from '../../src/server/config.js';
import {
  ConfigFileError,
  ConfigOpenError,
  loadConfigFromString,
  loadServerConfig,
  newLoadState,
  parseCommandLine,
} from '../../src/server/config-file.js';
import { rewriteConfigText } from '../../src/server/config-rewrite.js';

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-conf-'));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function load(text: string, config = new Config()): Config {
  loadConfigFromString(config, text);
  return config;
}

/** The fatal block a text produces. */
function fatal(text: string, config = new Config()): string {
  try {
    loadConfigFromString(config, text);
  } catch (err) {
    if (err instanceof ConfigFileError) return err.block;
    throw err;
  }
  assert.fail('expected a fatal config error');
}

function block(line: number | null, text: string, reason: string): string {
  const where = line === null ? '' : `Reading the configuration file, at line ${line}\n>>> '${text}'\n`;
  return `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n${where}${reason}\n`;
}

test('lines, comments, blank lines, surrounding white space and directive case', () => {
  const c = load('# a comment\n\n   \t\nport 7001\r\n  TimeOut   30  \n#port 1\nMaxMemory 64mb\n');
  assert.equal(c.format('port'), '7001');
  assert.equal(c.format('timeout'), '30');
  assert.equal(c.format('maxmemory'), '67108864');
});

test('quoted values: double quotes with escapes, single quotes, and the empty value', () => {
  const c = load('requirepass "a b\\"c\\x41\\n"\nmasteruser \'it\\\'s\'\ndbfilename ""\n');
  assert.equal(c.str('requirepass'), 'a b"cA\n');
  assert.equal(c.str('masteruser'), "it's");
  assert.equal(c.str('dbfilename'), '');
  assert.equal(fatal('port "6379\n'), block(1, 'port "6379', 'Unbalanced quotes in configuration line'));
  assert.equal(fatal('port "6379"x\n'), block(1, 'port "6379"x', 'Unbalanced quotes in configuration line'));
});

test('memory units', () => {
  const c = load('maxmemory 1k\nproto-max-bulk-len 2mb\nclient-query-buffer-limit 1GB\nauto-aof-rewrite-min-size 3m\n');
  assert.equal(c.format('maxmemory'), '1000');
  assert.equal(c.format('proto-max-bulk-len'), '2097152');
  assert.equal(c.format('client-query-buffer-limit'), '1073741824');
  assert.equal(c.format('auto-aof-rewrite-min-size'), '3000000');
  assert.equal(c.num('proto-max-bulk-len'), 2097152);
  assert.equal(fatal('maxmemory 1.5gb'), block(1, 'maxmemory 1.5gb', 'argument must be a memory value'));
});

test('a directive given twice: the last wins; save lines add up after replacing the default', () => {
  const c = load('port 1\nport 2\nsave 900 1\nsave 300 10\n');
  assert.equal(c.format('port'), '2');
  assert.equal(c.format('save'), '900 1 300 10');
  assert.equal(new Config().format('save'), '3600 1 300 100 60 10000');
  assert.equal(load('save 900 1\nsave ""\n').format('save'), '');
  assert.equal(load('save ""\nsave 60 5\n').format('save'), '60 5');
  assert.equal(load('save 900 1\nsave 300 10\nsave ""\nsave 5 5\n').format('save'), '5 5');
});

test('multi-argument directives: bind, client-output-buffer-limit merges classes, one quoted argument splits', () => {
  const c = load('bind 127.0.0.1 -::1\nclient-output-buffer-limit normal 1mb 2mb 30\nclient-output-buffer-limit pubsub 1gb 1k 5\n');
  assert.deepEqual(c.list('bind'), ['127.0.0.1', '-::1']);
  assert.equal(c.format('client-output-buffer-limit'), 'normal 1048576 2097152 30 slave 268435456 67108864 60 pubsub 1073741824 1000 5');
  assert.deepEqual(load('bind "10.0.0.1  10.0.0.2"\n').list('bind'), ['10.0.0.1', '10.0.0.2']);
  assert.equal(load('shutdown-on-sigterm "nosave  now"\n').format('shutdown-on-sigterm'), 'nosave now');
  assert.deepEqual(load('bind ""\n').list('bind'), []);
  assert.equal(fatal('client-output-buffer-limit master 1 1 1'), block(1, 'client-output-buffer-limit master 1 1 1', 'Invalid client class specified in buffer limit configuration.'));
});

test('aliases set the parameter they name', () => {
  const c = load('slaveof 10.0.0.1 6380\nhash-max-ziplist-entries 100\nslave-read-only no\n');
  assert.equal(c.format('replicaof'), '10.0.0.1 6380');
  assert.equal(c.format('slaveof'), '10.0.0.1 6380');
  assert.equal(c.format('hash-max-listpack-entries'), '100');
  assert.equal(c.bool('replica-read-only'), false);
});

test('the fatal block: bad directive, argument count, bad value, with the line number', () => {
  assert.equal(fatal('port 1\nnosuch 1\n'), block(2, 'nosuch 1', 'Bad directive or wrong number of arguments'));
  assert.equal(fatal('port 1 2'), block(1, 'port 1 2', 'wrong number of arguments'));
  assert.equal(fatal('requirepass'), block(1, 'requirepass', 'wrong number of arguments'));
  assert.equal(fatal('\n\n  daemonize yes yes  \n'), block(3, 'daemonize yes yes', 'wrong number of arguments'));
  assert.equal(fatal('port abc'), block(1, 'port abc', "argument couldn't be parsed into an integer"));
  assert.equal(fatal('port 70000'), block(1, 'port 70000', 'argument must be between 0 and 65535 inclusive'));
  assert.equal(fatal('save 100'), block(1, 'save 100', 'Invalid save parameters'));
  assert.equal(fatal('loglevel bogus'), block(1, 'loglevel bogus', 'argument(s) must be one of the following: debug, verbose, notice, warning'));
  assert.equal(fatal('appendonly maybe'), block(1, 'appendonly maybe', "argument must be 'yes' or 'no'"));
  assert.equal(fatal('appendfilename a/b'), block(1, 'appendfilename a/b', "appendfilename can't be a path, just a filename"));
  assert.equal(fatal('notify-keyspace-events q'), block(1, 'notify-keyspace-events q', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
  assert.equal(fatal('include'), block(1, 'include', 'Bad directive or wrong number of arguments'));
});

test('dir: must exist, resolves like successive chdir calls, and is absolute', () => {
  fs.mkdirSync(path.join(tmp, 'a', 'b'), { recursive: true });
  const c = load(`dir ${tmp}\ndir a\ndir ./b\n`);
  assert.equal(c.str('dir'), path.join(tmp, 'a', 'b'));
  assert.equal(new Config().str('dir'), process.cwd());
  assert.equal(fatal(`dir ${tmp}/missing`), block(1, `dir ${tmp}/missing`, 'No such file or directory'));
});

test('logfile that cannot be opened: the block without a line', () => {
  assert.equal(fatal(`logfile ${tmp}/no/such/dir/x.log`), block(null, '', "Can't open the log file: No such file or directory"));
});

test('include: relative to dir, glob patterns, and an unreadable file', () => {
  fs.mkdirSync(path.join(tmp, 'inc'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'inc', 'one.conf'), 'maxmemory 10mb\n');
  fs.writeFileSync(path.join(tmp, 'inc', 'two.conf'), 'timeout 5\nmaxmemory 20mb\n');
  fs.writeFileSync(path.join(tmp, 'inc', '.hidden.conf'), 'timeout 99\n');
  const c = load(`dir ${tmp}\ninclude inc/one.conf\nport 7002\n`);
  assert.equal(c.format('maxmemory'), '10485760');
  assert.equal(c.format('port'), '7002');
  const g = load(`include ${tmp}/inc/*.conf\n`);
  assert.equal(g.format('timeout'), '5');
  assert.equal(g.format('maxmemory'), '20971520');
  // A pattern that matches nothing is not an error.
  assert.equal(load(`include ${tmp}/inc/*.none\nport 3\n`).format('port'), '3');
  assert.throws(() => load(`include ${tmp}/missing.conf\n`), (err: unknown) => {
    assert.ok(err instanceof ConfigOpenError);
    assert.equal(err.message, `Fatal error, can't open config file '${tmp}/missing.conf': No such file or directory`);
    return true;
  });
  // An error inside an included file names its line there.
  fs.writeFileSync(path.join(tmp, 'inc', 'bad.conf'), '\nbogus 1\n');
  assert.equal(fatal(`include ${tmp}/inc/bad.conf\n`), block(2, 'bogus 1', 'Bad directive or wrong number of arguments'));
});

test('directives accepted without effect are collected once each; deprecated ones are silent', () => {
  const c = new Config();
  const state = loadConfigFromString(
    c,
    'daemonize yes\ndaemonize yes\nrename-command FLUSHALL ""\nuser alice on\nlist-max-ziplist-entries 512\nactiverehashing yes\nport 7003\nmymod.opt 1\n',
    newLoadState(),
  );
  // activerehashing is ignored but left at its default: not worth a notice.
  assert.deepEqual(state.notices, ['daemonize', 'rename-command', 'user', 'mymod.opt']);
  assert.equal(fatal('mymod.opt'), block(1, 'mymod.opt', 'Module config specified without value'));
  assert.equal(fatal('list-max-ziplist-entries 1 2'), block(1, 'list-max-ziplist-entries 1 2', 'Bad directive or wrong number of arguments'));
});

test('hz out of range is clamped', () => {
  assert.equal(load('hz 1000\n').format('hz'), '500');
  assert.equal(load('hz 0\n').format('hz'), '1');
});

test('command line: config file, --name value..., --save without value, stdin', () => {
  assert.deepEqual(parseCommandLine(['r.conf', '--port', '7000', '--save', '', '--bind', '127.0.0.1', '::1'], '/etc'), {
    configFile: '/etc/r.conf',
    stdin: false,
    options: 'port "7000" \nsave "" \nbind "127.0.0.1" "::1" ',
  });
  assert.equal(parseCommandLine(['--save', '--port', '1']).options, 'save ""\nport "1" ');
  assert.equal(parseCommandLine(['--port', '1', '--save']).options, 'port "1" \nsave ""');
  // After an option name with no value yet, a "--x" is its value.
  assert.equal(parseCommandLine(['--requirepass', '--secret']).options, 'requirepass "--secret" ');
  assert.equal(parseCommandLine(['--port 7000']).options, 'port 7000 ');
  assert.equal(parseCommandLine(['--requirepass', 'a "b"\n']).options, 'requirepass "a \\"b\\"\\n" ');
  assert.deepEqual(parseCommandLine(['-']), { configFile: null, stdin: true, options: '' });
  assert.equal(parseCommandLine(['/r.conf', '--port', '1', '-']).stdin, true);
});

test('command-line options are parsed after the file, with line numbers counted through both', () => {
  const file = path.join(tmp, 'cl.conf');
  fs.writeFileSync(file, 'port 5\n');
  const run = (args: string[], stdin = '') => {
    const c = new Config();
    loadServerConfig(c, parseCommandLine(args), { readStdin: () => stdin });
    return c;
  };
  assert.equal(run([file, '--port', '6']).format('port'), '6');
  assert.equal(run([file, '-'], 'port 8\n').format('port'), '8');
  assert.equal(run(['--maxmemory', '1mb', '--timeout', '9']).format('timeout'), '9');
  const err = (args: string[]) => {
    try {
      run(args);
    } catch (e) {
      if (e instanceof ConfigFileError) return e.block;
      throw e;
    }
    return '';
  };
  assert.equal(err(['--nosuch', '1']), block(2, 'nosuch "1"', 'Bad directive or wrong number of arguments'));
  assert.equal(err(['--port', '1', '--maxmemory', '1 2']), block(3, 'maxmemory "1 2"', 'argument must be a memory value'));
  assert.equal(err([file, '--port', '1', '--loglevel']), block(4, 'loglevel', 'wrong number of arguments'));
});

test('values: numeric limits and forms as Redis prints them', () => {
  const c = new Config();
  const err = (name: string, v: string) => {
    const r = c.parse(c.param(name)!, v);
    return isParseError(r) ? r.error : 'OK';
  };
  assert.equal(err('timeout', '05'), "argument couldn't be parsed into an integer");
  assert.equal(err('timeout', '+5'), "argument couldn't be parsed into an integer");
  assert.equal(err('timeout', '-1'), 'argument must be between 0 and 2147483647 inclusive');
  assert.equal(err('maxclients', '-1'), 'argument must be between 1 and 4294967295 inclusive');
  assert.equal(err('slowlog-log-slower-than', '-2'), 'argument must be between -1 and 9223372036854775807 inclusive');
  assert.equal(err('proto-max-bulk-len', '1k'), 'argument must be between 1048576 and 9223372036854775807 inclusive');
  assert.equal(err('maxmemory', '-0'), 'argument must be a memory value');
  assert.equal(err('maxmemory-clients', '200%'), 'percentage argument must be less or equal to 100');
  assert.equal(err('maxmemory-clients', '1.5%'), 'argument must be a memory or percent value');
  assert.equal(err('appendfsync', 'sometimes'), 'argument(s) must be one of the following: everysec, always, no');
  assert.equal(err('shutdown-on-sigint', 'save nosave'), "shutdown options SAVE and NOSAVE can't be used simultaneously");
  assert.equal(err('oom-score-adj-values', '1 2'), 'wrong number of arguments');
  assert.equal(err('latency-tracking-info-percentiles', '101'), 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
  const l = load('unixsocketperm 0755\nmaxmemory-clients 10%\nnotify-keyspace-events KEA\nlatency-tracking-info-percentiles "50.0 99.990000 100"\nshutdown-on-sigint "now default nosave"\nloglevel VERBOSE\n');
  assert.equal(l.format('unixsocketperm'), '755');
  assert.equal(l.format('maxmemory-clients'), '10%');
  assert.equal(l.format('notify-keyspace-events'), 'AKE');
  assert.equal(l.format('latency-tracking-info-percentiles'), '50 99.99 100');
  assert.equal(l.format('shutdown-on-sigint'), 'nosave now');
  assert.equal(l.format('loglevel'), 'verbose');
  for (const [flags, canonical] of [['Kx', 'xK'], ['g$lshzxetd', 'A'], ['An', 'A'], ['Ez', 'zE'], ['m', 'm'], ['', '']]) {
    assert.equal(load(`notify-keyspace-events "${flags}"\n`).format('notify-keyspace-events'), canonical, flags);
  }
});

test('CONFIG REWRITE text: in place, appended after the marker, orphans blanked, unknown lines commented', () => {
  const c = load('port 7010\nhash-max-ziplist-entries 100\nsave 900 1\nsave 300 10\nmaxmemory 1mb\nmaxmemory 2mb\nnotify-keyspace-events Ex\n');
  c.set('maxclients', '50');
  c.set('save', '300 10');
  c.set('requirepass', 'a b"c');
  c.set('client-output-buffer-limit', 'normal 1k 0 0');
  c.set('dir', tmp);
  const old = [
    '# top comment',
    'PORT 7010',
    'include /etc/other.conf',
    'hash-max-ziplist-entries 100',
    'save 900 1',
    'save 300 10',
    '',
    '',
    '# blank lines above',
    'list-max-ziplist-entries 512',
    'rename-command FLUSHALL ""',
    'MaxMemory 1mb',
    'maxmemory 2mb',
    'timeout 0',
    'notify-keyspace-events Ex',
    '',
  ].join('\n');
  assert.equal(
    rewriteConfigText(c, old),
    [
      '# top comment',
      'port 7010',
      'include /etc/other.conf',
      'hash-max-listpack-entries 100',
      'save 300 10',
      '',
      '# blank lines above',
      '# ??? list-max-ziplist-entries 512',
      'rename-command FLUSHALL ""',
      'maxmemory 2mb',
      '',
      'timeout 0',
      'notify-keyspace-events "xE"',
      '',
      '# Generated by CONFIG REWRITE',
      'requirepass "a b\\"c"',
      'maxclients 50',
      `dir "${tmp}"`,
      'client-output-buffer-limit normal 1000 0 0',
      'latency-tracking-info-percentiles 50 99 99.9',
      '',
    ].join('\n'),
  );
  // A file that already has the marker gets no second one; a missing file starts empty.
  const fresh = rewriteConfigText(new Config(), null);
  assert.equal(fresh, `# Generated by CONFIG REWRITE\ndir "${process.cwd()}"\nsave 3600 1\nsave 300 100\nsave 60 10000\nlatency-tracking-info-percentiles 50 99 99.9\n`);
  // Rewriting again keeps one blank line for the old file's final newline, as Redis does.
  const again = rewriteConfigText(new Config(), fresh);
  assert.equal(again, fresh + '\n');
  assert.equal(rewriteConfigText(new Config(), again), again);
  // Unset strings and the default bind remove their lines; `save ""` is written for no save points.
  const d = load('bind 127.0.0.1\nunixsocket /tmp/x.sock\n');
  d.set('bind', '127.0.0.1 -::1');
  d.set('save', '');
  assert.equal(rewriteConfigText(d, 'bind 127.0.0.1\nmasteruser bob\n'), `\n# Generated by CONFIG REWRITE\nunixsocket "/tmp/x.sock"\ndir "${process.cwd()}"\nsave ""\nlatency-tracking-info-percentiles 50 99 99.9\n`);
});
