import type { FastifyRequest } from 'fastify';
import type { SettingsUseCases } from '../../../app/settings';
import type { HttpHelpers, HttpPlugin } from '../http.deps';

const settingKey = (request: FastifyRequest) => (request.params as { key: string }).key;

/**
 * Tenant settings by key (`GET`/`PUT /api/v1/settings/:key`) for the keys app/settings defines; admins only.
 * Routes registered for a fixed key elsewhere (e.g. analysis) take precedence over this parametric one.
 */
export function settingsRoutes(settings: SettingsUseCases): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    app.get('/api/v1/settings/:key', async (request) => settings.get(await helpers.authenticate(request), { key: settingKey(request) }));

    app.put('/api/v1/settings/:key', async (request) => {
      const change = await settings.change(await helpers.authenticate(request), { key: settingKey(request), value: request.body });
      return change.setting;
    });
  };
}
