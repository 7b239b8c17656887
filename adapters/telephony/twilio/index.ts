export { TwilioRecordingWebhook, type TwilioAccount } from './twilio.webhook';
export { computeTwilioSignature, isValidTwilioSignature } from './twilio.signature';
