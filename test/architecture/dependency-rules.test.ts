import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkDependencyRules, importsOf } from './dependency-rules';

const repoRoot = resolve(__dirname, '..', '..');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'callsight-deps-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('dependency rules', () => {
  it('hold on this repository', () => {
    expect(checkDependencyRules(repoRoot)).toEqual([]);
  });

  it.each([
    ['core importing an adapter', { 'core/a.ts': "import { x } from '../adapters/http/server';", 'adapters/http/server.ts': '' }, 'core imports only core'],
    ['core importing a Node built-in', { 'core/a.ts': "import { readFileSync } from 'node:fs';" }, 'core imports no Node built-in'],
    ['core importing fs without the node: prefix', { 'core/a.ts': "import fs from 'fs';" }, 'core imports no Node built-in'],
    ['core importing an I/O library', { 'core/a.ts': "import Database from 'better-sqlite3';" }, 'core imports only pure allow-listed libraries'],
    ['core importing a widget', { 'core/a.ts': "export * from '../widgets/x';", 'widgets/x.ts': '' }, 'core imports only core'],
    ['core importing dynamically', { 'core/a.ts': "const m = await import('pg');" }, 'core imports only pure allow-listed libraries'],
    ['one adapter importing another', {
      'adapters/crm/zendesk/a.ts': "import { b } from '../salesforce/b';",
      'adapters/crm/salesforce/b.ts': '',
    }, 'an adapter never imports another adapter'],
    ['an adapter importing bin', { 'adapters/http/a.ts': "import { x } from '../../bin/hub';" }, 'nothing outside bin imports bin'],
    ['core importing bin', { 'core/a.ts': "import { x } from '../bin/hub';" }, 'nothing outside bin imports bin'],
    ['a use-case importing an adapter', { 'app/retention/plan-retention.ts': "import { x } from '../../adapters/http/server';", 'adapters/http/server.ts': '' }, 'app imports only app and core'],
    ['a use-case importing an I/O library', { 'app/retention/plan-retention.ts': "import pg from 'pg';" }, 'app imports only pure allow-listed libraries'],
    ['a use-case importing a Node built-in', { 'app/retention/plan-retention.ts': "import { join } from 'node:path';" }, 'app imports no Node built-in'],
    ['an adapter importing a use-case module directly', {
      'adapters/http/a.ts': "import { planRetention } from '../../app/retention/plan-retention';",
      'app/retention/plan-retention.ts': '',
    }, 'adapters reach app only through a capability entry (app/<capability>/index.ts)'],
    ['a widget importing an adapter', { 'widgets/a.tsx': "import { x } from '../adapters/http/server';", 'adapters/http/server.ts': '' }, 'widgets import only core and widgets'],
  ])('catch %s', (_name, files, rule) => {
    const root = tree(files);
    try {
      expect(checkDependencyRules(root).map((v) => v.rule)).toContain(rule);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('allow an adapter to import core and its own folder, and core to import pure libraries', () => {
    const root = tree({
      'adapters/http/routes/r.ts': "import type { RetentionUseCases } from '../../../app/retention';\nimport { x } from '../../../app/quality/index';",
      'app/retention/index.ts': "import { plan } from './plan-retention';\nimport { z } from 'zod';\nimport { y } from '../../core/a';",
      'app/retention/plan-retention.ts': "import { defineUseCase } from '../shared/use-case';",
      'app/quality/index.ts': '',
      'core/a.ts': "import { z } from 'zod';\nimport { b } from './b';",
      'core/b.ts': "import { parsePhoneNumberFromString } from 'libphonenumber-js/max';",
      'adapters/storage/sqlite/a.ts': "import { x } from './b';\nimport { c } from '../../../core/a';\nimport Database from 'better-sqlite3';",
      'adapters/storage/sqlite/b.ts': '',
    });
    try {
      expect(checkDependencyRules(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('read static, re-export, type-only and dynamic imports but not commented ones', () => {
    const source = [
      "import a from 'a';",
      "import type { B } from 'b';",
      "export { c } from 'c';",
      "export * from 'd';",
      "const e = await import('e');",
      "// import x from 'commented';",
      "/* import y from 'block'; */",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
