export { readWavLayout, redactWav, type TimeSpan, type WavLayout } from './wav-redactor';
