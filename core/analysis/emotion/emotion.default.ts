import modelJson from './emotion-model.json';
import { loadEmotionModel, scoreFeatures, type EmotionModel, type EmotionScore } from './emotion.model';

let defaultModel: EmotionModel | undefined;

/** The shipped model (see MODEL.md), decoded on first use and then shared. */
export function getDefaultEmotionModel(): EmotionModel {
  defaultModel ??= loadEmotionModel(modelJson);
  return defaultModel;
}

/** Scores one text (Chinese or English) with the shipped model. */
export function classifyEmotion(text: string): EmotionScore {
  return scoreFeatures(getDefaultEmotionModel(), text);
}
