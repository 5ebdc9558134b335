// DEBUG: Redis 7.0's debugging subcommands that make sense for nodis. DEBUG is one command
// (not a container): like debug.c it matches argv[1] together with an exact argument count,
// and anything else gets "unknown subcommand or wrong number of arguments".

import type { Client } from '../server/client.js';
import type { Entry } from '../keyspace/types.js';
import { parseInt64 } from '../resp/numbers.js';
import { datasetDigest, DigestUnsupportedError, valueDigest } from '../keyspace/digest.js';
import { rdbStringSize } from '../keyspace/rdb-size.js';
import { objectEncoding } from './object.js';
import { ERR_NO_SUCH_KEY } from './errors.js';
import type { CommandSpec } from './types.js';

const DEBUG_HELP = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'HELP',
  '    Prints this help.',
];

// ---- C conversions DEBUG uses without validation ----------------------------------------------

/** strtod(s, NULL): the longest numeric prefix, 0 when there is none. */
function strtod(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))/i.exec(s);
  if (m === null) return 0;
  const t = m[1]!.toLowerCase().replace(/^\+/, '');
  if (t.endsWith('inf') || t.endsWith('infinity')) return t.startsWith('-') ? -Infinity : Infinity;
  if (t.endsWith('nan')) return NaN;
  return Number(t);
}

/** atoi(s): strtol's saturated value truncated to a C int. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (m === null) return 0;
  let v = BigInt(m[2]!);
  if (m[1] === '-') v = -v;
  const LONG_MAX = 9223372036854775807n;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < -LONG_MAX - 1n) v = -LONG_MAX - 1n;
  return Number(BigInt.asIntN(32, v));
}

// ---- DEBUG OBJECT -----------------------------------------------------------------------------

const INT_MAX = 2147483647;
const LRU_CLOCK_MAX = (1 << 24) - 1;


/**
 * What DEBUG OBJECT needs from a collection beyond its encoding (OBJECT ENCODING's
 * `encoding()` method): the size of its RDB serialization, and for quicklists the
 * " ql_nodes:... ql_avg_node:..." suffix Redis appends.
 */
interface DebugObjectInfo {
  rdbSerializedLength(compression: boolean): number;
  debugObjectExtra?(): string;
}

function debugObjectInfo(v: object): DebugObjectInfo | null {
  return typeof (v as Partial<DebugObjectInfo>).rdbSerializedLength === 'function' ? (v as DebugObjectInfo) : null;
}

/** The object's refcount: the shared integers 0..9999 unless an LRU/LFU maxmemory policy forbids them. */
function refcount(c: Client, value: string): number {
  const n = parseInt64(value);
  if (typeof n !== 'number' || n < 0 || n >= 10000) return 1;
  const policy = c.server.config.str('maxmemory-policy');
  const noShared = c.server.config.num('maxmemory') !== 0 && (policy.endsWith('lru') || policy.endsWith('lfu'));
  return noShared ? 1 : INT_MAX;
}

/** DEBUG OBJECT key — read with dictFind: no lazy expiry, no access-time update. */
function debugObject(c: Client, e: Entry): void {
  const v = e.value;
  const compression = c.server.config.get('rdbcompression') !== false;
  let serialized: number;
  let extra = '';
  if (typeof v === 'string') {
    serialized = rdbStringSize(v, compression);
  } else {
    const info = debugObjectInfo(v);
    if (info === null) return c.reply.error(`ERR DEBUG OBJECT does not support values of type '${v.type}' yet`);
    serialized = info.rdbSerializedLength(compression);
    extra = info.debugObjectExtra?.() ?? '';
  }
  const now = Date.now();
  const clock = Math.floor(now / 1000) & LRU_CLOCK_MAX;
  // Under an LFU policy the lru field holds (minutes << 8) | counter; Redis prints it as is.
  const lru = c.server.keyspace.lfu
    ? ((Math.floor(e.access / 60000) & 0xffff) << 8) | e.freq
    : Math.floor(e.access / 1000) & LRU_CLOCK_MAX;
  const idle = clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru);
  const address = (0x7f0000000000 + e.seq * 16).toString(16);
  const rc = typeof v === 'string' ? refcount(c, v) : 1;
  c.reply.simple(
    `Value at:0x${address} refcount:${rc} encoding:${objectEncoding(v)} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}${extra}`,
  );
}

// ---- DEBUG PROTOCOL ---------------------------------------------------------------------------

const PROTOCOL_TYPES: Readonly<Record<string, (c: Client) => void>> = {
  string: (c) => c.reply.bulk('Hello World'),
  integer: (c) => c.reply.integer(12345),
  double: (c) => c.reply.double(3.141),
  bignum: (c) => {
    const n = '1234567999999999999999999999999999999';
    if (c.reply.protocol === 2) c.reply.bulk(n);
    else c.reply.raw(`(${n}\r\n`);
  },
  null: (c) => c.reply.nullBulk(),
  array: (c) => {
    c.reply.array(3);
    for (let j = 0; j < 3; j++) c.reply.integer(j);
  },
  set: (c) => {
    c.reply.set(3);
    for (let j = 0; j < 3; j++) c.reply.integer(j);
  },
  map: (c) => {
    c.reply.map(3);
    for (let j = 0; j < 3; j++) {
      c.reply.integer(j);
      c.reply.bool(j === 1);
    }
  },
  attrib: (c) => {
    if (c.reply.protocol === 3) {
      c.reply.raw('|1\r\n');
      c.reply.bulk('key-popularity');
      c.reply.array(2);
      c.reply.bulk('key:123');
      c.reply.integer(90);
    }
    // Attributes are not real replies: a well formed reply follows.
    c.reply.bulk('Some real reply following the attribute');
  },
  push: (c) => {
    if (c.reply.protocol === 2) return c.reply.error('ERR RESP2 is not supported by this command');
    c.reply.push(2);
    c.reply.bulk('server-cpu-usage');
    c.reply.integer(42);
    // A push is not the command's reply: a normal reply follows.
    c.reply.bulk('Some real reply following the push reply');
  },
  verbatim: (c) => c.reply.verbatim('This is a verbatim\nstring', 'txt'),
  true: (c) => c.reply.bool(true),
  false: (c) => c.reply.bool(false),
};

// ---- subcommands ------------------------------------------------------------------------------

interface Subcommand {
  /** Accepted argc (the whole argv, DEBUG included). */
  readonly argc: (n: number) => boolean;
  readonly run: (c: Client) => void;
}

/** Runs a digest computation; replies an error (and returns null) for a type without digest support. */
function digestOrReply<T>(c: Client, compute: () => T): T | null {
  try {
    return compute();
  } catch (err) {
    if (!(err instanceof DigestUnsupportedError)) throw err;
    c.reply.error(`ERR DEBUG DIGEST does not support values of type '${err.valueType}' yet`);
    return null;
  }
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  help: {
    argc: (n) => n === 2,
    run(c) {
      c.reply.array(DEBUG_HELP.length);
      for (const line of DEBUG_HELP) c.reply.simple(line);
    },
  },
  sleep: {
    // DEBUG SLEEP seconds — blocks the whole server, as Redis's nanosleep does.
    argc: (n) => n === 3,
    run(c) {
      const micros = Math.trunc(strtod(c.argv[2]!) * 1e6);
      if (Number.isFinite(micros) && micros > 0) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, micros / 1000);
      }
      c.reply.ok();
    },
  },
  loadaof: {
    // DEBUG LOADAOF — flush, empty the dataset, reload the AOF named by the manifest on disk.
    // A failed load stops the server (Redis 7.0 exits), so there is no error reply.
    argc: (n) => n === 2,
    run(c) {
      c.server.persistence.debugLoadAof();
      if (!c.server.crashed) c.reply.ok();
    },
  },
  'set-active-expire': {
    // DEBUG SET-ACTIVE-EXPIRE 0|1
    argc: (n) => n === 3,
    run(c) {
      c.server.expireCycle.enabled = atoi(c.argv[2]!) !== 0;
      c.reply.ok();
    },
  },
  object: {
    // DEBUG OBJECT key
    argc: (n) => n === 3,
    run(c) {
      const e = c.db.peekEntry(c.argv[2]!);
      if (e === undefined) return c.reply.error(ERR_NO_SUCH_KEY);
      debugObject(c, e);
    },
  },
  digest: {
    // DEBUG DIGEST
    argc: (n) => n === 2,
    run(c) {
      const hex = digestOrReply(c, () => datasetDigest(c.server.keyspace.dbs));
      if (hex !== null) c.reply.simple(hex);
    },
  },
  'digest-value': {
    // DEBUG DIGEST-VALUE key [key ...] — logically expired keys included, as Redis.
    argc: (n) => n >= 2,
    run(c) {
      const hexes = digestOrReply(c, () => c.argv.slice(2).map((k) => valueDigest(c.db.peekEntry(k))));
      if (hexes === null) return;
      c.reply.array(hexes.length);
      for (const hex of hexes) c.reply.simple(hex);
    },
  },
  error: {
    // DEBUG ERROR string — sent as given ("-" + string), not counted as an error reply.
    argc: (n) => n === 3,
    run(c) {
      c.reply.raw(`-${c.argv[2]!.replace(/[\r\n]/g, ' ')}\r\n`);
    },
  },
  log: {
    // DEBUG LOG message
    argc: (n) => n === 3,
    run(c) {
      c.server.logger.warning(`DEBUG LOG: ${c.argv[2]!}`);
      c.reply.ok();
    },
  },
  populate: {
    // DEBUG POPULATE count [prefix] [size]
    argc: (n) => n >= 3 && n <= 5,
    run(c) {
      const argv = c.argv;
      const positive = (s: string): number | null => {
        const v = parseInt64(s);
        if (typeof v !== 'number' || v < 0) {
          c.reply.error('ERR value is out of range, must be positive');
          return null;
        }
        return v;
      };
      const count = positive(argv[2]!);
      if (count === null) return;
      let size = 0;
      if (argv.length === 5) {
        const s = positive(argv[4]!);
        if (s === null) return;
        size = s;
      }
      // The prefix is a C string formatted into a 128-byte buffer.
      const rawPrefix = argv.length === 3 ? 'key' : argv[3]!;
      const prefix = rawPrefix.includes('\0') ? rawPrefix.slice(0, rawPrefix.indexOf('\0')) : rawPrefix;
      const db = c.db;
      for (let j = 0; j < count; j++) {
        const key = `${prefix}:${j}`.slice(0, 127);
        if (db.getEntry(key) !== undefined) continue;
        let value = `value:${j}`;
        if (size > 0) value = value.length >= size ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
        db.add(key, value);
      }
      // Redis does not propagate these keys (nor count them as changes).
      c.preventPropagation();
      c.reply.ok();
    },
  },
  protocol: {
    // DEBUG PROTOCOL type
    argc: (n) => n === 3,
    run(c) {
      const f = PROTOCOL_TYPES[c.argv[2]!.toLowerCase()];
      if (f === undefined) {
        return c.reply.error(
          'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
        );
      }
      f(c);
    },
  },
};

export const debugCommands = [
  {
    // DEBUG subcommand [argument ...]
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale', 'protected'],
    group: 'server',
    since: '1.0.0',
    summary: 'A container for debugging commands',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    handler(c) {
      const name = c.argv[1]!;
      const sub = Object.hasOwn(SUBCOMMANDS, name.toLowerCase()) ? SUBCOMMANDS[name.toLowerCase()] : undefined;
      if (sub === undefined || !sub.argc(c.argv.length)) {
        return c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${name.slice(0, 128)}'. Try DEBUG HELP.`);
      }
      sub.run(c);
    },
  },
] as const satisfies readonly CommandSpec[];
