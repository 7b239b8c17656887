import type { ListMissingRecordingsInput, RecordingsUseCases } from '../../../app/recordings';
import type { HttpHelpers, HttpPlugin } from '../http.deps';

/**
 * Reported recordings over HTTP: `GET /api/v1/recordings/missing` (admins) lists the recordings a telephony
 * provider reported and the hub never stored within the fetch window. The route authenticates and calls the
 * list-missing-recordings use-case, which authorises, validates the query and writes the audit event.
 */
export function recordingsRoutes(recordings: Pick<RecordingsUseCases, 'listMissingRecordings'>): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    app.get('/api/v1/recordings/missing', async (request) =>
      recordings.listMissingRecordings(await helpers.authenticate(request), request.query as ListMissingRecordingsInput),
    );
  };
}
