import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { rotateTenantKey } from './rotate-tenant-key';

export {
  DEFAULT_ROTATION_BATCH,
  rotateTenantKey,
  rotateTenantKeyInput,
  type RotateTenantKeyInput,
  type RotateTenantKeyPorts,
  type RotationStep,
} from './rotate-tenant-key';

/** The keys capability's use-cases: rotation of a tenant's key-encryption key (docs/decisions/key-rotation.md). */
export const keysUseCases = { rotateTenantKey } as const;
export type KeysUseCases = BoundUseCases<typeof keysUseCases>;

/** Binds the key use-cases to the key vault and the sealed-secret store (bin/commands/keys.command.ts). */
export function createKeysUseCases(ports: PortsOf<typeof keysUseCases> & AuditDeps): KeysUseCases {
  return bindUseCases(keysUseCases, ports);
}
