export { redactWav, type TimeSpan } from './wav-redactor';
