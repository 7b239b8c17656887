export { S3AudioStore, createS3Client, S3_MIN_PART_BYTES, DEFAULT_PART_BYTES, type S3AudioStoreOptions, type S3ClientSettings } from './s3.audio-store';
