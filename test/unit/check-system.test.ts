import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { findMissingPackages, isOnPath, planSystemCheck, SYSTEM_PACKAGES } from '../../bin/check-system';

const ALL = SYSTEM_PACKAGES.map((p) => p.name);
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsight-syscheck-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('planSystemCheck', () => {
  it.each([
    ['everything present, as root', { missing: [], isRoot: true, hasAptGet: true }, { action: 'ok' }],
    ['everything present, not root', { missing: [], isRoot: false, hasAptGet: false }, { action: 'ok' }],
    [
      'missing, as root with apt-get',
      { missing: ['sox', 'chromium'], isRoot: true, hasAptGet: true },
      { action: 'install', missing: ['sox', 'chromium'], commands: [['apt-get', 'update'], ['apt-get', 'install', '-y', 'sox', 'chromium']] },
    ],
    [
      'missing, not root',
      { missing: ['fonts-wqy-microhei'], isRoot: false, hasAptGet: true },
      { action: 'stop', missing: ['fonts-wqy-microhei'], command: 'sudo apt-get update && sudo apt-get install -y fonts-wqy-microhei', reason: 'not running as root' },
    ],
    [
      'missing, as root without apt-get',
      { missing: ['sox'], isRoot: true, hasAptGet: false },
      { action: 'stop', missing: ['sox'], command: 'apt-get update && apt-get install -y sox', reason: 'apt-get not found (Debian or Ubuntu expected)' },
    ],
  ] as const)('%s', (_name, facts, plan) => {
    expect(planSystemCheck(facts)).toEqual(plan);
  });
});

describe('findMissingPackages', () => {
  it('names every package when nothing is there, and none when every probe finds its file or command', () => {
    expect(findMissingPackages(SYSTEM_PACKAGES, { exists: () => false, onPath: () => false })).toEqual(ALL);
    expect(findMissingPackages(SYSTEM_PACKAGES, { exists: () => true, onPath: () => true })).toEqual([]);
  });

  it('accepts either pocketsphinx command, and judges packages by their own probes only', () => {
    const missing = findMissingPackages(SYSTEM_PACKAGES, {
      exists: (file) => file !== '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
      onPath: (command) => command === 'pocketsphinx' || command === 'sox',
    });
    expect(missing).toEqual(['fonts-wqy-microhei', 'espeak-ng']);
  });
});

describe('isOnPath', () => {
  it('finds an executable in any PATH folder, and not a plain file or an absent one', () => {
    const a = tempDir();
    const b = tempDir();
    writeFileSync(join(b, 'tool'), '#!/bin/sh\n');
    chmodSync(join(b, 'tool'), 0o755);
    writeFileSync(join(a, 'plain'), 'not executable');
    chmodSync(join(a, 'plain'), 0o644);
    expect(isOnPath('tool', [a, b].join(delimiter))).toBe(true);
    // Even root needs an execute bit for access(X_OK).
    expect(isOnPath('plain', [a, b].join(delimiter))).toBe(false);
    expect(isOnPath('absent', [a, b].join(delimiter))).toBe(false);
    expect(isOnPath('tool', undefined)).toBe(false);
  });
});

describe('the check as npm test runs it', () => {
  it('returns at once with exit 0 and never calls apt-get when every package is present', () => {
    const fakes = tempDir();
    const marker = join(fakes, 'apt-get-was-called');
    writeFileSync(join(fakes, 'apt-get'), `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
    chmodSync(join(fakes, 'apt-get'), 0o755);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/check-system.ts'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, PATH: `${fakes}${delimiter}${process.env.PATH ?? ''}`, CALLSIGHT_SKIP_SYSTEM_CHECK: '' },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});
