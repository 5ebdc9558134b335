// Redis 7.0's shared error replies, in one place so every command uses the same text.

export const ERR_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_OVERFLOW = 'ERR increment or decrement would overflow';
export const ERR_NO_SUCH_KEY = 'ERR no such key';
export const ERR_DB_INDEX = 'ERR DB index is out of range';
export const ERR_INDEX_OUT_OF_RANGE = 'ERR index out of range';
export const ERR_NOAUTH = 'NOAUTH Authentication required.';
export const ERR_WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const ERR_LOADING = 'LOADING Redis is loading the dataset in memory';
export const ERR_EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';
export const ERR_NOPROTO = 'NOPROTO unsupported protocol version';
export const ERR_BUSYKEY = 'BUSYKEY Target key name already exists.';
export const ERR_STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const ERR_INCR_NAN = 'ERR increment would produce NaN or Infinity';

export function errWrongArity(fullName: string): string {
  return `ERR wrong number of arguments for '${fullName}' command`;
}

export function errInvalidExpire(commandName: string): string {
  return `ERR invalid expire time in '${commandName}' command`;
}

/**
 * `unknown command 'x', with args beginning with: 'a' 'b' ` — the name as the client sent
 * it (up to 128 chars), then each argument quoted while the list stays under 128 chars.
 */
export function errUnknownCommand(argv: readonly string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${argv[i]!.slice(0, 128 - args.length)}' `;
  }
  return `ERR unknown command '${argv[0]!.slice(0, 128)}', with args beginning with: ${args}`;
}

export function errUnknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`;
}

/**
 * Redis's addReplySubcommandSyntaxError, for a known subcommand given the wrong arguments
 * after the arity check passed: the subcommand and the container as the client sent them.
 */
export function errSubcommandSyntax(argv: readonly string[]): string {
  return `ERR unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`;
}
