import type { CommandSpec } from './types.js';

export const clientCommands = [] as const satisfies readonly CommandSpec[];
