import type { WidgetFeature } from '../feature';
import { QaReview } from './qa-review';
import styles from './qa-review.css?inline';
import historyStyles from '../call-history/call-history.css?inline';

export { QaReview } from './qa-review';
export type { QaReviewProps } from './qa-review';

/**
 * The QA review panel (Zendesk ticket sidebar, Salesforce Case page): a reviewer's sampled calls and the requester's
 * calls, each opened with player, analysed transcript and scorecard; other roles see the requester's call history.
 */
export const qaReviewFeature: WidgetFeature = {
  id: 'qa-review',
  View: QaReview,
  styles: `${historyStyles}\n${styles}`,
};
