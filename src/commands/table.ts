// The command table: every command family's specs, indexed by lower-case name.

import { Command, type CommandSpec } from './types.js';
import { connectionCommands } from './connection.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { expireCommands } from './expire.js';
import { transactionCommands } from './transactions.js';
import { serverCommands } from './server.js';
import { configCommands } from './config.js';
import { clientCommands } from './client.js';
import { commandCommands } from './command.js';
import { debugCommands } from './debug.js';
import { listCommands } from './lists.js';
import { hashCommands } from './hashes.js';
import { setCommands } from './sets.js';
import { zsetCommands } from './zsets.js';
import { bitmapCommands } from './bitmaps.js';
import { sortCommands } from './sort.js';

export const ALL_COMMAND_SPECS: readonly (readonly CommandSpec[])[] = [
  connectionCommands,
  stringCommands,
  keyCommands,
  expireCommands,
  transactionCommands,
  serverCommands,
  configCommands,
  clientCommands,
  commandCommands,
  debugCommands,
  listCommands,
  hashCommands,
  setCommands,
  zsetCommands,
  bitmapCommands,
  sortCommands,
];

export class CommandTable {
  private readonly byName = new Map<string, Command>();
  private readonly upper = new Map<string, Command>();

  constructor(families: readonly (readonly CommandSpec[])[] = ALL_COMMAND_SPECS) {
    for (const family of families) {
      for (const spec of family) {
        if (this.byName.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
        const cmd = new Command(spec);
        this.byName.set(spec.name, cmd);
        // Clients send either case (ioredis lower, node-redis and redis-benchmark upper):
        // both are direct hits, so the common request never pays for toLowerCase().
        this.upper.set(spec.name.toUpperCase(), cmd);
      }
    }
  }

  /** Case-insensitive lookup of a top-level command. */
  lookup(name: string): Command | undefined {
    return this.byName.get(name) ?? this.upper.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /**
   * The command argv names, as Redis's lookupCommand resolves it (no arity check): a
   * container's subcommand must exist when one is given. Undefined when unknown.
   */
  resolve(argv: readonly string[]): Command | undefined {
    const top = this.lookup(argv[0]!);
    if (top === undefined || top.subcommands === null || argv.length < 2) return top;
    return top.subcommands.get(argv[1]!.toLowerCase());
  }

  get size(): number {
    return this.byName.size;
  }

  all(): IterableIterator<Command> {
    return this.byName.values();
  }

  resetStats(): void {
    for (const c of this.byName.values()) c.resetStats();
  }
}
