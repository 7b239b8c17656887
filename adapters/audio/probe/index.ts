export { MusicMetadataAudioProbe, sniffAudioFormat } from './music-metadata.audio-probe';
