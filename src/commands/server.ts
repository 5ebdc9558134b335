import type { CommandSpec } from './types.js';

export const serverCommands = [] as const satisfies readonly CommandSpec[];
