import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm test` runs this first (issue 16 item 9): it finds the Debian packages the test suites need (real Chromium,
 * Chinese fonts, real speech and audio tools). All present: it prints nothing and returns at once, without calling
 * apt. Some missing and running as root with apt-get: `apt-get update` once, then `apt-get install -y` of exactly
 * the missing ones, then checks again. Otherwise it stops at once, naming the exact command to run.
 * CALLSIGHT_SKIP_SYSTEM_CHECK=1 skips it (a machine that runs only unit tests).
 */

/** A package and what proves it is installed: a command on PATH or a file, whichever is given. */
export interface SystemPackage {
  readonly name: string;
  readonly why: string;
  readonly commands?: readonly string[];
  readonly files?: readonly string[];
}

export const SYSTEM_PACKAGES: readonly SystemPackage[] = [
  { name: 'chromium', why: 'end-to-end tests in real headless Chromium', files: ['/usr/bin/chromium'] },
  { name: 'fonts-wqy-microhei', why: 'Chinese text in screenshots', files: ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'] },
  { name: 'espeak-ng', why: 'real speech for audio fixtures', commands: ['espeak-ng'] },
  { name: 'sox', why: 'audio resampling', commands: ['sox'] },
  { name: 'pocketsphinx', why: 'offline English speech recognition', commands: ['pocketsphinx_continuous', 'pocketsphinx'] },
  { name: 'pocketsphinx-en-us', why: "pocketsphinx's English model", files: ['/usr/share/pocketsphinx/model/en-us/en-us'] },
];

/** What to do, decided from facts alone (so it can be tested without apt). */
export type SystemCheckPlan =
  | { readonly action: 'ok' }
  | { readonly action: 'install'; readonly missing: readonly string[]; readonly commands: readonly (readonly string[])[] }
  | { readonly action: 'stop'; readonly missing: readonly string[]; readonly command: string; readonly reason: string };

/**
 * The plan for the missing packages: nothing when none is missing; install with `apt-get update` then
 * `apt-get install -y <missing>` when running as root on a machine with apt-get; otherwise stop, naming the
 * command (with sudo when not root).
 */
export function planSystemCheck(facts: { readonly missing: readonly string[]; readonly isRoot: boolean; readonly hasAptGet: boolean }): SystemCheckPlan {
  const missing = [...facts.missing];
  if (missing.length === 0) return { action: 'ok' };
  if (facts.isRoot && facts.hasAptGet) {
    return { action: 'install', missing, commands: [['apt-get', 'update'], ['apt-get', 'install', '-y', ...missing]] };
  }
  const sudo = facts.isRoot ? '' : 'sudo ';
  return {
    action: 'stop',
    missing,
    command: `${sudo}apt-get update && ${sudo}apt-get install -y ${missing.join(' ')}`,
    reason: facts.hasAptGet ? 'not running as root' : 'apt-get not found (Debian or Ubuntu expected)',
  };
}

/** Whether `command` is an executable file in one of `path`'s folders. */
export function isOnPath(command: string, path: string | undefined): boolean {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // Not in this folder (or not executable): the next folder may have it.
    }
  }
  return false;
}

/** The packages whose command or file is absent; `exists` and `onPath` are the probes (replaced in tests). */
export function findMissingPackages(
  packages: readonly SystemPackage[],
  probes: { exists(file: string): boolean; onPath(command: string): boolean },
): string[] {
  return packages
    .filter((p) => !((p.files ?? []).some((f) => probes.exists(f)) || (p.commands ?? []).some((c) => probes.onPath(c))))
    .map((p) => p.name);
}

function systemProbes() {
  return { exists: (file: string) => existsSync(file), onPath: (command: string) => isOnPath(command, process.env.PATH) };
}

function describeMissing(missing: readonly string[]): string {
  return missing.map((name) => `  ${name}: ${SYSTEM_PACKAGES.find((p) => p.name === name)?.why ?? ''}`).join('\n');
}

/** Runs the check; returns the process exit code (0: ready). */
export function runSystemCheck(): number {
  if (process.env.CALLSIGHT_SKIP_SYSTEM_CHECK === '1') return 0;
  const missing = findMissingPackages(SYSTEM_PACKAGES, systemProbes());
  const plan = planSystemCheck({
    missing,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    hasAptGet: isOnPath('apt-get', process.env.PATH),
  });
  if (plan.action === 'ok') return 0;
  if (plan.action === 'stop') {
    process.stderr.write(
      `The tests need system packages that are not installed:\n${describeMissing(plan.missing)}\n` +
        `They cannot be installed from here (${plan.reason}). Run:\n  ${plan.command}\nthen run npm test again.\n`,
    );
    return 1;
  }
  process.stderr.write(`Installing the system packages the tests need:\n${describeMissing(plan.missing)}\n`);
  for (const command of plan.commands) {
    process.stderr.write(`$ ${command.join(' ')}\n`);
    const result = spawnSync(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) {
      process.stderr.write(`\`${command.join(' ')}\` failed (${result.error ? result.error.message : `exit ${result.status ?? result.signal}`}); run it by hand, then npm test again.\n`);
      return 1;
    }
  }
  const still = findMissingPackages(SYSTEM_PACKAGES, systemProbes());
  if (still.length > 0) {
    process.stderr.write(`Still missing after apt-get install: ${still.join(', ')}; check the apt output above.\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runSystemCheck();
}
