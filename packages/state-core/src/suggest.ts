import { closest, distance } from 'fastest-levenshtein';

/**
 * The known name closest to `name`, when close enough to be a likely typo; a camelCase name
 * whose snake_case form is known gets that form.
 * @example suggestName('cahce_size', ['cache_size', 'path']) // 'cache_size'
 */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, '_');
  if (snake !== name && known.includes(snake)) return snake;
  // Case is never the typo that matters: `LMDB` means `lmdb`.
  const lower = name.toLowerCase();
  const byCase = known.find((k) => k.toLowerCase() === lower);
  if (byCase !== undefined) return byCase;
  const best = closest(
    lower,
    known.map((k) => k.toLowerCase()),
  );
  const limit = Math.max(2, Math.floor(name.length / 3));
  return distance(lower, best) <= limit ? known.find((k) => k.toLowerCase() === best) : undefined;
}
