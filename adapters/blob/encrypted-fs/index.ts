export { EncryptedFsAudioStore } from './encrypted-fs.audio-store';
export { DEFAULT_CHUNK_BYTES, encryptContainer, decryptChunk, decodeHeader } from '../chunked-cipher';
