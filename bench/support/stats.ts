/** Small helpers the benchmarks share: percentiles, a goal verdict, and command-line flags. */

/** The p-th percentile (nearest rank) of an ascending list; NaN for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** `met` or `MISSED`, so a reader (or a grep) sees each goal's outcome next to its figure. */
export const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

export const fmtMs = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '-').padStart(10);

/** The value of `--name value`, or `fallback`. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

export const hasFlag = (name: string) => process.argv.includes(`--${name}`);

/**
 * The machine's load right now: the benchmarks share 2 cores with whatever else runs, so every report says how
 * busy the machine was (a 1-minute load average well above 0 means the figures are pessimistic).
 */
export async function machineNote(): Promise<string> {
  const { loadavg, cpus } = await import('node:os');
  const [one, five] = loadavg();
  return `${cpus().length} cores, load average ${one!.toFixed(2)} (1 min) / ${five!.toFixed(2)} (5 min)`;
}
