import type { WidgetFeature } from '../feature';
import { Insights } from './insights';
import styles from './insights.css?inline';

export { Insights } from './insights';
export type { InsightsProps } from './insights';

/** The manager's quality insights (Zendesk nav bar workspace, Salesforce app page): KPIs, segments, demands, people. */
export const insightsFeature: WidgetFeature = {
  id: 'insights',
  View: Insights,
  styles,
};
