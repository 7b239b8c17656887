import type { SigningKey } from '../../core/audit/audit-checkpoint';
import type { CallsightError } from '../../core/shared/errors';
import { DAY_MS } from '../../core/shared/time';
import { systemActor } from '../../app/shared/actor';
import { createAuditUseCases, type AuditUseCases } from '../../app/audit';
import { createExportsUseCases, type ExportBundleWriter, type ExportsUseCases } from '../../app/exports';
import { createSettingsUseCases, type SettingsUseCases } from '../../app/settings';
import { readBundleManifest, streamExportBundle, verifyExportBundle as verifyBundleFile, type BundleVerification } from '../../adapters/export/zip';
import { auditRoutes } from '../../adapters/http/routes/audit.routes';
import { exportsRoutes } from '../../adapters/http/routes/exports.routes';
import { settingsRoutes } from '../../adapters/http/routes/settings.routes';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** The signing key of a tenant's audit checkpoints; the id names the purpose and version, never the secret. */
export function checkpointKey(hub: Hub, tenantId: string): SigningKey {
  return { id: `${tenantId}:audit-checkpoint:v1`, secret: hub.keys.deriveSecret(tenantId, 'audit-checkpoint') };
}

/** The signing key of a tenant's export manifests. */
export function manifestKey(hub: Hub, tenantId: string): SigningKey {
  return { id: `${tenantId}:export-manifest:v1`, secret: hub.keys.deriveSecret(tenantId, 'export-manifest') };
}

/** The access capability's use-cases bound to one hub: exports, the audit trail and tenant settings. */
export interface AccessUseCases {
  readonly exports: ExportsUseCases;
  readonly audit: AuditUseCases;
  readonly settings: SettingsUseCases;
}

/**
 * Binds the access use-cases to the hub's stores, keys and clock. Settings are read through one
 * TenantSettingsCache (hub.tenantSettings): told of changes by other processes through PostgreSQL LISTEN/NOTIFY, and
 * checked against the store's revision on every use while that feed is down or on SQLite, so processes sharing a database agree.
 */
export function createAccessUseCases(hub: Hub): AccessUseCases {
  const settings = hub.tenantSettings;
  const bundles: ExportBundleWriter = {
    write: ({ meta, entries }) => streamExportBundle({ meta, entries, key: manifestKey(hub, meta.tenantId) }),
  };
  const keys = { checkpointKey: (tenantId: string) => (hub.keys.hasTenant(tenantId) ? checkpointKey(hub, tenantId) : null) };
  const common = { audit: (entry: Parameters<Hub['audit']>[0]) => hub.audit(entry), clock: hub.clock, tenants: hub.calls, settings };
  return {
    exports: createExportsUseCases({
      ...common,
      exports: hub.storage.exports,
      calls: hub.calls,
      ids: hub.ids,
      audio: hub.audio,
      transcripts: hub.transcripts,
      bundles,
    }),
    audit: createAuditUseCases({ ...common, auditLog: hub.auditLog, keys }),
    settings: createSettingsUseCases(common),
  };
}

/**
 * Verifies a bundle file offline with the export key this hub holds for `tenantId` (default: the tenant its
 * manifest names); an unknown tenant or key is reported as the bundle's problem, not thrown.
 */
export async function verifyExportBundle(hub: Hub, path: string, tenantId?: string): Promise<BundleVerification & { tenantId: string | null }> {
  const signed = await readBundleManifest(path);
  const claimed = typeof signed?.manifest?.meta?.tenantId === 'string' ? signed.manifest.meta.tenantId : null;
  const tenant = tenantId ?? claimed;
  const key = tenant && hub.keys.hasTenant(tenant) ? manifestKey(hub, tenant) : undefined;
  const result = await verifyBundleFile(path, (keyId) => (key && key.id === keyId ? key : undefined));
  return { ...result, tenantId: tenant };
}

/**
 * Access control around the call API (issue 3): the audit trail API, two-person export approval, tenant
 * settings, and a daily prune of audit events past their retention (with workers on).
 */
export const accessCapability: CapabilityFactory = (hub: Hub): Capability => {
  const useCases = createAccessUseCases(hub);
  let timer: NodeJS.Timeout | undefined;

  const pruneAll = async () => {
    for (const tenant of await hub.calls.listTenants()) {
      try {
        await useCases.audit.prune(systemActor(tenant.id, 'audit-retention'), { dryRun: false });
      } catch (error) {
        // One tenant's broken chain must not stop the others; the use-case audited the failure, the code says why.
        process.stderr.write(`audit prune skipped for a tenant: ${(error as CallsightError).code ?? 'INTERNAL'}\n`);
      }
    }
  };

  return {
    name: 'access',
    plugins: [auditRoutes(useCases.audit), exportsRoutes(useCases.exports), settingsRoutes(useCases.settings)],
    start() {
      const run = () => void pruneAll();
      timer = setInterval(run, DAY_MS);
      timer.unref();
      setTimeout(run, 60_000).unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
};
