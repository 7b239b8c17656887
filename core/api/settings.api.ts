import * as z from 'zod/mini';
import { MIN_AUDIT_KEEP_DAYS } from '../audit/audit-retention';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of tenant settings (`GET`/`PUT /api/v1/settings/:key`): the key parameter, the body each key
 * accepts and the view every read and write answers.
 */

/** What a setting key looks like: lower-case words joined by hyphens, starting with a letter. */
export const SETTING_KEY_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

/** Route parameters `{ key }`; any text is taken, so that an unknown key answers 404 rather than 400. */
export const settingKeyParamsSchema = z.object({ key: z.string() });

/** Body of `PUT /api/v1/settings/audit-retention`: whole days, at least one year (R-ACC-2). */
export const auditRetentionSettingSchema = z.strictObject({
  keepDays: z.number().check(z.int(), z.minimum(MIN_AUDIT_KEEP_DAYS), z.maximum(36_500)),
});
export type AuditRetentionSetting = z.infer<typeof auditRetentionSettingSchema>;

/** Body of `PUT /api/v1/settings/exports`: fields left out keep their defaults. */
export const exportsSettingSchema = z.strictObject({
  downloadTtlMinutes: z.optional(z.number().check(z.int(), z.minimum(5), z.maximum(7 * 24 * 60))),
  maxCalls: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(5000))),
});
export type ExportsSetting = z.infer<typeof exportsSettingSchema>;

/** A setting as read: its defaults overlaid with what the tenant saved, and who saved it when (null: never). */
export const settingViewSchema = z.object({
  key: z.string().check(z.regex(SETTING_KEY_PATTERN)),
  value: z.record(z.string(), z.unknown()),
  updatedBy: z.nullable(z.string()),
  updatedAt: z.nullable(isoDateTimeSchema),
});
export type SettingView = z.infer<typeof settingViewSchema>;
