import type { WidgetFeature } from '../feature';
import { MyCalls } from './my-calls';
import styles from './my-calls.css?inline';

export { MyCalls } from './my-calls';
export type { MyCallsProps } from './my-calls';

/** The agent's own view: coaching tasks, recent calls with scores, evaluations with evidence, disputes. */
export const myCallsFeature: WidgetFeature = {
  id: 'my-calls',
  View: MyCalls,
  styles,
};
