import type { InsightsUseCases } from '../../../app/insights';
import type { HttpPlugin } from '../http.deps';
import { unparsed } from './quality.routes';

/**
 * Quality KPIs per agent, team, customer tag, inquiry type or month, and call content x customer tags
 * (docs/api-quality.md, contract core/api/insights.api.ts). Each route calls one use-case of app/insights.
 */
export function qualityInsightsRoutes(insights: InsightsUseCases): HttpPlugin {
  return (app, helpers) => {
    app.get('/api/v1/kpis', async (request) => insights.reportKpis(await helpers.authenticate(request), unparsed(request.query)));
    app.get('/api/v1/insights/segments', async (request) => insights.compareSegments(await helpers.authenticate(request), unparsed(request.query)));
  };
}
