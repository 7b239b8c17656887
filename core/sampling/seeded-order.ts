/** Seeded, reproducible ordering helpers built on the RandomSource port. */
import type { RandomSource } from '../shared/clock.port';

/** Fisher-Yates shuffle into a new array; the input is not modified. Same random sequence -> same order. */
export function shuffleSeeded<T>(items: readonly T[], random: RandomSource): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/** Sorts by a string key (code-unit order), giving an order that does not depend on the input order. */
export function sortByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
