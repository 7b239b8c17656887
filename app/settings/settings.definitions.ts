import type { z } from 'zod';
import { auditRetentionSettingSchema, exportsSettingSchema } from '../../core/api/settings.api';
import { MIN_AUDIT_KEEP_DAYS, parseAuditRetentionPolicy, type AuditRetentionPolicy } from '../../core/audit/audit-retention';
import type { JsonValue } from '../../core/audit/canonical-json';
import type { Tenant } from '../../core/recordings/call';
import type { SettingsReader, TenantDirectory } from './settings.ports';

/** One tenant setting the generic settings API serves: what a saved value may hold and what it is before that. */
export interface SettingDefinition {
  readonly key: string;
  /** Validates a value to save (the PUT body). */
  readonly schema: z.core.$ZodType<Record<string, JsonValue>>;
  /** The value before the tenant saved anything; saved fields overlay it. */
  defaults(tenant: Tenant | null): Record<string, JsonValue>;
}

export const AUDIT_RETENTION_SETTING = 'audit-retention';
export const EXPORTS_SETTING = 'exports';

/** Finance keeps operation logs as long as its recordings (DOMAIN R-ACC-2); everyone else at least one year. */
const FINANCE_AUDIT_KEEP_DAYS = 1827;

/** Per-tenant export limits (the `exports` tenant setting). */
export interface ExportLimits {
  /** Minutes an approved export stays downloadable. */
  readonly downloadTtlMinutes: number;
  /** Most calls one export may hold. */
  readonly maxCalls: number;
}

const DEFAULT_EXPORT_LIMITS: ExportLimits = { downloadTtlMinutes: 24 * 60, maxCalls: 500 };

/** The settings served by `GET`/`PUT /api/v1/settings/:key`, by key. */
export const SETTING_DEFINITIONS: ReadonlyMap<string, SettingDefinition> = new Map<string, SettingDefinition>([
  [
    AUDIT_RETENTION_SETTING,
    {
      key: AUDIT_RETENTION_SETTING,
      schema: auditRetentionSettingSchema,
      defaults: (tenant) => ({ keepDays: tenant?.industry === 'finance' ? FINANCE_AUDIT_KEEP_DAYS : MIN_AUDIT_KEEP_DAYS }),
    },
  ],
  [
    EXPORTS_SETTING,
    {
      key: EXPORTS_SETTING,
      schema: exportsSettingSchema as z.core.$ZodType<Record<string, JsonValue>>,
      defaults: () => ({ ...DEFAULT_EXPORT_LIMITS }),
    },
  ],
]);

/** A setting as the API shows it: defaults overlaid with the saved value, and who saved it when (null: never). */
export interface CurrentSetting {
  readonly key: string;
  readonly value: Record<string, JsonValue>;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
}

interface ReadDeps {
  readonly settings: SettingsReader;
  readonly tenants: TenantDirectory;
}

/** Reads a setting through `settings` (the store or its cache): a saved value always wins over the defaults. */
export async function readSetting(deps: ReadDeps, tenantId: string, definition: SettingDefinition): Promise<CurrentSetting> {
  const stored = await deps.settings.get(tenantId, definition.key);
  const saved = (stored?.value as Record<string, JsonValue> | undefined) ?? {};
  return {
    key: definition.key,
    value: { ...definition.defaults(await deps.tenants.getTenant(tenantId)), ...saved },
    updatedBy: stored?.updatedBy ?? null,
    updatedAt: stored?.updatedAt ?? null,
  };
}

/** The tenant's export limits (the `exports` setting over its defaults). */
export async function exportLimits(deps: Pick<ReadDeps, 'settings'>, tenantId: string): Promise<ExportLimits> {
  const stored = await deps.settings.get(tenantId, EXPORTS_SETTING);
  return { ...DEFAULT_EXPORT_LIMITS, ...((stored?.value as Partial<ExportLimits> | undefined) ?? {}) };
}

/** The tenant's audit retention (the `audit-retention` setting over its industry's default); VALIDATION_FAILED if a saved value is out of bounds. */
export async function auditRetention(deps: ReadDeps, tenantId: string): Promise<AuditRetentionPolicy> {
  const current = await readSetting(deps, tenantId, SETTING_DEFINITIONS.get(AUDIT_RETENTION_SETTING)!);
  return parseAuditRetentionPolicy(current.value);
}
