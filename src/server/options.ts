// Applies name/value options (embedding API) to a Config, with Redis's validation texts.
// A string value is one argument, as in CONFIG SET (a multi-argument parameter such as `bind`
// or `save` splits it on spaces); an array gives the arguments one by one. Throws a
// ConfigError naming the option on failure.

import type { Config } from './config.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function applyOptions(config: Config, options: Record<string, string | number | boolean | readonly string[]>, origin: string): void {
  for (const [rawName, raw] of Object.entries(options)) {
    const p = config.param(rawName);
    if (p === undefined) throw new ConfigError(`${origin}: Bad directive or wrong number of arguments: '${rawName}'`);
    const text = typeof raw === 'boolean' ? (raw ? 'yes' : 'no') : typeof raw === 'number' ? String(raw) : raw;
    const err = config.set(p.name, text as string | readonly string[]);
    if (err !== null) throw new ConfigError(`${origin}: '${rawName}': ${err}`);
  }
}
