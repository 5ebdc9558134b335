import type { CommandSpec } from './types.js';

export const expireCommands = [] as const satisfies readonly CommandSpec[];
