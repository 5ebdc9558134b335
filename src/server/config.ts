// Configuration values: typed storage, parsing and validation with Redis 7.0's texts, the
// CONFIG GET form and the lines CONFIG REWRITE writes. The parameters themselves (names,
// types, defaults, limits) are data in config-table.ts; special types in config-special.ts.
//
// Values are strings with one char per byte (latin1), like keys and values; `fsPath()` gives
// the name to hand to the file system.

import { CONFIG_TABLE, type ConfigParam } from './config-table.js';
import { formatMemory, memtoull, type RewriteLine } from './config-special.js';
import { quoteRepr } from './monitor.js';

export { fsPath, strerror } from './config-special.js';
export type { RewriteLine } from './config-special.js';

export type ConfigValue = string | number | boolean | string[];
export type ParseResult = ConfigValue | { error: string };

export function isParseError(v: ParseResult): v is { error: string } {
  return typeof v === 'object' && !Array.isArray(v);
}

/** Parses Redis memory units (memtoull): 1k=1000, 1kb=1024, m/mb, g/gb, any case. */
export function parseMemory(text: string): number | null {
  const v = memtoull(text);
  return v === null || v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}

/** string2ll(): an optional '-', no leading zeros, no spaces, within int64. */
export function string2ll(s: string): bigint | null {
  if (!/^(0|-?[1-9]\d*)$/.test(s)) return null;
  const v = BigInt(s);
  return v < -(2n ** 63n) || v > 2n ** 63n - 1n ? null : v;
}

/** strtoll(s, &end, 8) consumed whole: leading space, a sign, octal digits; "" is 0. */
function octal(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]*)$/.exec(s);
  if (m === null || (m[2] === '' && s !== '')) return null;
  const v = m[2] === '' ? 0n : BigInt('0o' + m[2]);
  if (v > 2n ** 63n - 1n) return null; // ERANGE
  return m[1] === '-' ? -v : v;
}

export class Config {
  private readonly values = new Map<string, ConfigValue>();
  /** Numeric values, exactly (a JS number cannot hold every 64-bit value). */
  private readonly exact = new Map<string, bigint>();
  private readonly defaults = new Map<string, ConfigValue>();
  /** Every name and alias -> its parameter. */
  readonly params = new Map<string, ConfigParam>();
  /** Ignored directives already reported in the log. */
  private readonly reportedIgnored = new Set<string>();

  constructor(table: readonly ConfigParam[] = CONFIG_TABLE) {
    for (const p of table) {
      this.params.set(p.name, p);
      for (const a of p.aliases ?? []) this.params.set(a, p);
      const err = this.set(p.name, p.default);
      if (err !== null) throw new Error(`bad default for ${p.name}: ${err}`);
      this.defaults.set(p.name, this.values.get(p.name)!);
    }
  }

  param(name: string): ConfigParam | undefined {
    return this.params.get(name) ?? this.params.get(name.toLowerCase());
  }

  num(name: string): number {
    return this.values.get(name) as number;
  }

  /** A numeric value exactly. */
  big(name: string): bigint {
    return this.exact.get(this.param(name)!.name)!;
  }

  bool(name: string): boolean {
    return this.values.get(name) as boolean;
  }

  str(name: string): string {
    return this.values.get(name) as string;
  }

  list(name: string): string[] {
    return this.values.get(name) as string[];
  }

  get(name: string): ConfigValue | undefined {
    const p = this.param(name);
    return p ? this.values.get(p.name) : undefined;
  }

  /** Stores an already validated value. */
  store(name: string, value: ConfigValue): void {
    const p = this.param(name)!;
    this.values.set(p.name, value);
    if (typeof value === 'number') this.exact.set(p.name, BigInt(Math.trunc(value)));
  }

  /** The value to restore after a failed CONFIG SET. */
  saved(name: string): { value: ConfigValue; exact: bigint | undefined } {
    const p = this.param(name)!;
    return { value: this.values.get(p.name)!, exact: this.exact.get(p.name) };
  }

  restore(name: string, s: { value: ConfigValue; exact: bigint | undefined }): void {
    const p = this.param(name)!;
    this.values.set(p.name, s.value);
    if (s.exact !== undefined) this.exact.set(p.name, s.exact);
  }

  /**
   * Parses a textual value for `p`. A string is one argument (a multi-argument parameter splits
   * it on single spaces, as CONFIG SET does); an array is the directive's arguments.
   */
  parse(p: ConfigParam, text: string | readonly string[], append = false): ParseResult {
    const r = this.parseExact(p, text, append);
    return typeof r === 'bigint' ? Number(r) : r;
  }

  /** Parses and stores; returns Redis's error text or null. */
  set(name: string, text: string | readonly string[], append = false): string | null {
    const p = this.param(name);
    if (p === undefined) return 'Bad directive or wrong number of arguments';
    const r = this.parseExact(p, text, append);
    if (typeof r === 'bigint') {
      this.values.set(p.name, Number(r));
      this.exact.set(p.name, r);
      return null;
    }
    if (isParseError(r)) return r.error;
    this.values.set(p.name, r);
    return null;
  }

  private parseExact(p: ConfigParam, text: string | readonly string[], append: boolean): ParseResult | bigint {
    let args: readonly string[];
    if (typeof text !== 'string') args = text;
    else if (p.multiArg) args = text === '' ? [] : text.split(' ');
    else args = [text];
    if (!p.multiArg && args.length !== 1) return { error: 'wrong number of arguments' };
    const one = args[0]!;
    switch (p.type) {
      case 'bool': {
        const t = one.toLowerCase();
        if (t === 'yes') return true;
        if (t === 'no') return false;
        return { error: "argument must be 'yes' or 'no'" };
      }
      case 'int':
      case 'memory':
      case 'octal':
        return this.parseNumeric(p, one);
      case 'enum':
        return parseEnum(p, args);
      case 'string':
        if (p.validate) {
          const err = p.validate(one);
          if (err !== null) return { error: err };
        }
        return one;
      case 'special':
        return p.special!.parse(args, { current: this.values.get(p.name), append });
    }
  }

  private parseNumeric(p: ConfigParam, text: string): bigint | { error: string } {
    let v: bigint | null = null;
    if (p.type === 'memory') {
      const m = memtoull(text);
      if (m !== null) v = BigInt.asIntN(64, m);
      else if (p.percent && text.length > 1 && text.endsWith('%')) {
        const pc = string2ll(text.slice(0, -1));
        if (pc !== null && pc >= 0n) v = -pc; // percentages are stored negative
      }
      if (v === null) return { error: p.percent ? 'argument must be a memory or percent value' : 'argument must be a memory value' };
    } else if (p.type === 'octal') {
      v = octal(text);
      if (v === null) return { error: "argument couldn't be parsed as an octal number" };
    } else {
      v = string2ll(text);
      if (v === null) return { error: "argument couldn't be parsed into an integer" };
    }
    const min = p.min!;
    const max = p.max!;
    if (p.unsigned) {
      const u = BigInt.asUintN(64, v);
      if (u > max || u < min) {
        const f = (n: bigint) => (p.type === 'octal' ? n.toString(8) : String(n));
        return { error: `argument must be between ${f(min)} and ${f(max)} inclusive` };
      }
      return u;
    }
    if (p.percent && v < 0n) {
      if (v < min) return { error: `percentage argument must be less or equal to ${-min}` };
    } else if (v > max || v < min) {
      return { error: `argument must be between ${min} and ${max} inclusive` };
    }
    return v;
  }

  /** The textual form CONFIG GET prints. */
  format(name: string): string {
    const p = this.param(name)!;
    const v = this.values.get(p.name)!;
    switch (p.type) {
      case 'bool':
        return v ? 'yes' : 'no';
      case 'int':
      case 'memory':
      case 'octal': {
        const n = this.exact.get(p.name)!;
        if (p.percent && n < 0n) return `${-n}%`;
        return p.type === 'octal' ? n.toString(8) : String(n);
      }
      case 'special':
        return p.special!.format(v);
      default:
        return v as string;
    }
  }

  defaultValue(name: string): ConfigValue {
    return this.defaults.get(this.param(name)!.name)!;
  }

  /** The lines CONFIG REWRITE writes for `p` (none: remove the old ones). */
  rewriteLines(p: ConfigParam): RewriteLine[] {
    const v = this.values.get(p.name)!;
    const def = this.defaults.get(p.name)!;
    const name = p.name;
    switch (p.type) {
      case 'bool':
      case 'enum':
        return [{ line: `${name} ${this.format(name)}`, force: v !== def }];
      case 'int':
      case 'memory':
      case 'octal': {
        const n = this.exact.get(name)!;
        const force = n !== BigInt(def as number);
        if (p.percent && n < 0n) return [{ line: `${name} ${-n}%`, force }];
        if (p.type === 'memory') return [{ line: `${name} ${formatMemory(n)}`, force }];
        return [{ line: `${name} ${p.type === 'octal' ? n.toString(8) : n}`, force }];
      }
      case 'string': {
        const s = v as string;
        if (p.emptyIsNull && s === '') return [];
        return [{ line: `${name} ${quoteRepr(s)}`, force: p.emptyIsNull || s !== def }];
      }
      case 'special':
        return p.special!.rewrite(name, v, def);
    }
  }

  /** Canonical parameter names (no aliases), in table order. */
  names(): string[] {
    return [...new Set([...this.params.values()].map((p) => p.name))];
  }

  /**
   * Whether setting an ignored directive should be reported now: once per directive, and only
   * when its value differs from Redis's default (a stock redis.conf repeats many defaults).
   */
  shouldReportIgnored(p: ConfigParam): boolean {
    if (!p.ignored || this.reportedIgnored.has(p.name)) return false;
    if (this.format(p.name) === formatDefault(this, p)) return false;
    this.reportedIgnored.add(p.name);
    return true;
  }
}

function formatDefault(config: Config, p: ConfigParam): string {
  const d = config.defaultValue(p.name);
  if (Array.isArray(d)) return d.join(' ');
  if (typeof d === 'boolean') return d ? 'yes' : 'no';
  return String(d);
}

/** The log line for an ignored directive. */
export function ignoredNotice(name: string): string {
  return `Config directive "${name}" is accepted for compatibility but not acted on by nodis yet`;
}

function parseEnum(p: ConfigParam, args: readonly string[]): ParseResult {
  const values = p.values!;
  const fail = { error: `argument(s) must be one of the following: ${values.join(', ')}` };
  if (args.length === 0 || (!p.flags && args.length !== 1)) return fail;
  if (!p.flags) {
    const t = args[0]!.toLowerCase();
    if (!values.includes(t)) return fail;
    return p.same?.[t] ?? t;
  }
  // Bit flags: the first name is the empty set, each other one a bit.
  let bits = 0;
  for (const a of args) {
    const i = values.indexOf(a.toLowerCase());
    if (i < 0) return fail;
    if (i > 0) bits |= 1 << (i - 1);
  }
  if (p.name.startsWith('shutdown-on-') && bits & 1 && bits & 2) return { error: "shutdown options SAVE and NOSAVE can't be used simultaneously" };
  if (bits === 0) return values[0]!;
  return values.filter((_, i) => i > 0 && bits & (1 << (i - 1))).join(' ');
}
