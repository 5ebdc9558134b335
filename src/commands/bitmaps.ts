import type { CommandSpec } from './types.js';

export const bitmapCommands = [] as const satisfies readonly CommandSpec[];
