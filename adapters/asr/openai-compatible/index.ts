export { createOpenAiCompatibleTranscriber } from './openai-compatible.transcriber';
export type { OpenAiCompatibleRuntime, RetryNotice } from './openai-compatible.transcriber';
export { openAiCompatibleSettingsSchema } from './openai-compatible.settings';
export type { OpenAiCompatibleSettings, OpenAiCompatibleSettingsInput } from './openai-compatible.settings';
