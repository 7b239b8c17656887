import type { WidgetFeature } from '../feature';
import { Training } from './training';
import styles from './training.css?inline';

export { Training } from './training';
export type { TrainingProps } from './training';

/** The training library: good and bad example clips, filtered, playable within the reader's rights, pinned by coaches. */
export const trainingFeature: WidgetFeature = {
  id: 'training',
  View: Training,
  styles,
};
