export { TwilioRecordingWebhook, type TwilioAccount, type TwilioRecordingReport, type TwilioWebhookDeps } from './twilio.webhook';
export { TwilioRecordingSource, type TwilioRecordingSourceDeps } from './twilio.recording-source';
export { computeTwilioSignature, isValidTwilioSignature } from './twilio.signature';
export { TwilioCallList, type TwilioCallListDeps } from './twilio.call-list';
