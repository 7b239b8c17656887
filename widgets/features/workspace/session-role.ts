import { ROLES, type Role } from '../../../core/access/access.policy';

/**
 * The role claim of a hub session token (a JWT the hub signed), read without verifying it: the workspace uses it
 * only to choose which tabs to offer, never to decide access. Null when the token is not a JWT or names no role.
 */
export function readSessionRole(token: string): Role | null {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const role = (JSON.parse(json) as { role?: unknown }).role;
    return (ROLES as readonly unknown[]).includes(role) ? (role as Role) : null;
  } catch (error) {
    if (error instanceof SyntaxError || (error instanceof DOMException && error.name === 'InvalidCharacterError')) return null;
    throw error;
  }
}
