import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The dependency rules of ARCHITECTURE.md, checked on the source tree:
 * 1. core/ imports only core/ and the pure libraries in CORE_ALLOWED_PACKAGES: no adapter, widget, bin,
 *    Node built-in or I/O library.
 * 2. app/ (use-cases) imports only app/, core/ and the same pure libraries.
 * 3. An adapter imports core/, its own folder and libraries, never another adapter; of app/ it reaches only
 *    the public entry of a capability (`app/<capability>/index.ts`: its use-cases and their types).
 * 4. widgets/ import core/ and widgets/ only (they reach the hub through their API client).
 * 5. Nothing but bin/, tests and benchmarks imports bin/ (the composition root).
 */
export const CORE_ALLOWED_PACKAGES = ['zod', 'libphonenumber-js', '@noble/hashes', 'opencc-js', 'fflate'] as const;

export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

const IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s+)?from\s+['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
];

export function importsOf(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const found = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) for (const match of withoutComments.matchAll(pattern)) if (match[1]) found.add(match[1]);
  return [...found];
}

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The adapter an adapters/ path belongs to: adapters/<kind> when files sit there directly, else adapters/<kind>/<name>. */
function adapterRoot(root: string, file: string): string | null {
  const rel = relative(join(root, 'adapters'), file).split(sep);
  if (rel[0] === '..' || rel.length < 2) return null;
  const kindDir = join(root, 'adapters', rel[0] ?? '');
  const hasDirectFiles = readdirSync(kindDir).some((n) => /\.(ts|tsx)$/.test(n));
  return hasDirectFiles || rel.length === 2 ? join('adapters', rel[0] ?? '') : join('adapters', rel[0] ?? '', rel[1] ?? '');
}

/** `app/<capability>` or `app/<capability>/index(.ts)`: the one door of a capability's use-cases. */
function isCapabilityEntry(root: string, target: string): boolean {
  const parts = relative(join(root, 'app'), target.replace(/\.(ts|tsx)$/, '')).split(sep);
  return parts.length === 1 || (parts.length === 2 && parts[1] === 'index');
}

export function checkDependencyRules(root: string): Violation[] {
  const violations: Violation[] = [];
  const top = (path: string) => relative(root, path).split(sep)[0] ?? '';
  for (const area of ['core', 'app', 'adapters', 'widgets']) {
    for (const file of walk(join(root, area))) {
      const fileRel = relative(root, file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const isRelative = specifier.startsWith('.');
        const target = isRelative ? resolve(dirname(file), specifier) : null;
        const targetTop = target ? top(target) : null;
        if (targetTop === 'bin') {
          violations.push({ file: fileRel, specifier, rule: 'nothing outside bin imports bin' });
          continue;
        }
        if (area === 'core') {
          if (target && targetTop !== 'core') violations.push({ file: fileRel, specifier, rule: 'core imports only core' });
          else if (!target && NODE_BUILTINS.has(specifier)) violations.push({ file: fileRel, specifier, rule: 'core imports no Node built-in' });
          else if (!target && !(CORE_ALLOWED_PACKAGES as readonly string[]).includes(packageName(specifier))) {
            violations.push({ file: fileRel, specifier, rule: 'core imports only pure allow-listed libraries' });
          }
        } else if (area === 'app') {
          if (target && targetTop !== 'core' && targetTop !== 'app') violations.push({ file: fileRel, specifier, rule: 'app imports only app and core' });
          else if (!target && NODE_BUILTINS.has(specifier)) violations.push({ file: fileRel, specifier, rule: 'app imports no Node built-in' });
          else if (!target && !(CORE_ALLOWED_PACKAGES as readonly string[]).includes(packageName(specifier))) {
            violations.push({ file: fileRel, specifier, rule: 'app imports only pure allow-listed libraries' });
          }
        } else if (area === 'adapters') {
          if (target && targetTop === 'adapters') {
            const from = adapterRoot(root, file);
            const to = adapterRoot(root, target);
            if (from !== to) violations.push({ file: fileRel, specifier, rule: 'an adapter never imports another adapter' });
          } else if (target && targetTop === 'app') {
            if (!isCapabilityEntry(root, target)) violations.push({ file: fileRel, specifier, rule: 'adapters reach app only through a capability entry (app/<capability>/index.ts)' });
          } else if (target && targetTop !== 'core') {
            violations.push({ file: fileRel, specifier, rule: 'adapters import core, their own folder and libraries' });
          }
        } else if (area === 'widgets') {
          if (target && targetTop !== 'core' && targetTop !== 'widgets') {
            violations.push({ file: fileRel, specifier, rule: 'widgets import only core and widgets' });
          }
        }
      }
    }
  }
  return violations;
}
