import type { CompletenessUseCases } from '../../../app/recordings';
import type { CompletenessQuery } from '../../../core/api/completeness.api';
import type { HttpHelpers, HttpPlugin } from '../http.deps';

/**
 * Recording completeness over HTTP: `GET /api/v1/recordings/completeness?from=&to=` (admins) reports the calls the
 * providers' own lists say were recorded in the window against the calls the hub holds, each gap with its reason.
 * The route authenticates and calls the report-completeness use-case, which authorises, validates and audits.
 */
export function completenessRoutes(completeness: Pick<CompletenessUseCases, 'reportCompleteness'>): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    app.get('/api/v1/recordings/completeness', async (request) =>
      completeness.reportCompleteness(await helpers.authenticate(request), request.query as CompletenessQuery),
    );
  };
}
