import type { CommandSpec } from './types.js';

export const zsetCommands = [] as const satisfies readonly CommandSpec[];
