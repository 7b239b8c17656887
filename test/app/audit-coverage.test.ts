import { describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROLES } from '../../core/access/access.policy';
import { roleMay } from '../../core/access/permissions';
import { isUseCaseDefinition, type UseCaseDefinition } from '../../app/shared/use-case';
import { auditSpy, principal } from './support/audit-spy';

const appRoot = resolve(__dirname, '..', '..', 'app');

/**
 * Use-case modules: every `app/<capability>/<verb-noun>.ts`. Files with a role in their name
 * (`retention.ports.ts`, `retention.views.ts`), `index.ts` and app/shared hold what use-cases share.
 */
function useCaseModules(dir = appRoot, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'shared') useCaseModules(path, out);
    } else if (/^[a-z0-9-]+\.ts$/.test(name) && name !== 'index.ts' && dir !== appRoot) {
      out.push(path);
    }
  }
  return out;
}

async function loadDefinitions(): Promise<{ file: string; definitions: UseCaseDefinition<unknown, unknown, unknown>[] }[]> {
  const loaded = [];
  for (const file of useCaseModules()) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    loaded.push({ file: relative(appRoot, file), definitions: Object.values(module).filter(isUseCaseDefinition) });
  }
  return loaded;
}

/** Ports that fail the test if a denied use-case touches anything but the audit trail. */
function untouchablePorts(audit: (entry: never) => Promise<void>): never {
  return new Proxy({ audit } as Record<string | symbol, unknown>, {
    get(target, key) {
      if (key === 'audit' || key === 'then') return target[key];
      throw new Error(`a denied use-case touched the port "${String(key)}"`);
    },
  }) as never;
}

describe('every use-case goes through the audited wrapper', () => {
  it('each use-case module exports a use-case made by defineUseCase, and names are unique', async () => {
    const loaded = await loadDefinitions();
    const unwrapped = loaded.filter((m) => m.definitions.length === 0).map((m) => m.file);
    expect(unwrapped, 'these app/ modules export no use-case defined with defineUseCase (app/shared/use-case.ts)').toEqual([]);
    const names = loaded.flatMap((m) => m.definitions.map((d) => d.name));
    expect(names.length).toBe(new Set(names).size);
  });

  it('a role the policy refuses gets FORBIDDEN and leaves exactly one denied event, before any port is touched', async () => {
    const definitions = (await loadDefinitions()).flatMap((m) => m.definitions);
    for (const definition of definitions) {
      const refused = ROLES.filter((role) => definition.permission === 'system' || !roleMay(role, definition.permission));
      for (const role of refused) {
        const spy = auditSpy();
        const useCase = definition.bind(untouchablePorts(spy.audit));
        const error = await useCase(principal(role), undefined).catch((e: unknown) => e);
        expect(error, `${definition.name} as ${role}`).toMatchObject({ code: 'FORBIDDEN' });
        expect(spy.events, `${definition.name} as ${role}`).toEqual([
          expect.objectContaining({ action: definition.action, outcome: 'denied', role, tenantId: 't1' }),
        ]);
      }
    }
  });

  it('finds the use-case modules by the naming convention', () => {
    for (const file of useCaseModules()) expect(basename(file)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.ts$/);
  });
});
