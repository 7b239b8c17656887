export { ByteRangeAudioExcerpter } from './audio-excerpter';
