import type { CommandSpec } from './types.js';

export const commandCommands = [] as const satisfies readonly CommandSpec[];
