import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** `ROMHOST_CACHE` values that turn the cache off. */
const OFF = new Set(['off', '0', 'false', 'none']);

/**
 * Where the engine cache lives by default, or undefined when it is off: `$ROMHOST_CACHE` when set
 * (`off`, `0`, `false` or `none` turn the cache off; a relative path is taken from the working
 * directory), else `$XDG_CACHE_HOME/romhost` (XDG ignores a relative XDG_CACHE_HOME), else
 * `~/.cache/romhost`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env['ROMHOST_CACHE']?.trim();
  if (own) return OFF.has(own.toLowerCase()) ? undefined : resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'romhost');
  return join(homedir(), '.cache', 'romhost');
}
