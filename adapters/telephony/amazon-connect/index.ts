export { contactTraceRecordSchema, parseS3Location, toContactRecord, type ContactTraceRecord } from './connect.ctr';
export {
  ConnectFirehoseReceiver,
  FIREHOSE_ACCESS_KEY_HEADER,
  FIREHOSE_REQUEST_ID_HEADER,
  sameAccessKey,
  type ConnectFirehoseAccount,
  type ConnectFirehoseDeps,
  type FirehoseAck,
  type FirehoseDelivery,
  type FirehoseReceipt,
} from './connect.firehose';
export {
  ConnectBucket,
  ConnectRecordingSource,
  contactLensPrefix,
  createConnectS3Client,
  fetchContactLensOutput,
  silenceAwsNodeVersionWarning,
  type ConnectBucketFinder,
  type ConnectRecordingSourceDeps,
  type ConnectS3Access,
} from './connect.s3';
export { PostgresConnectContacts, SqliteConnectContacts, type PgQueryable } from './connect.contacts';
