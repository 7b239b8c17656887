export {
  buildCallFields,
  createSalesforceCrmAdapter,
  MAX_BATCH_SUBREQUESTS,
  MAX_COLLECTION_RECORDS,
  pickCustomer,
  readTags,
  recordPageUrl,
  type SalesforceCallOutcome,
  type SalesforceCrmAdapter,
  type SalesforceCrmAdapterOptions,
  type SalesforceCustomer,
  type SalesforceEvaluationOutcome,
  type SalesforceEvaluationRecord,
} from './salesforce.adapter';
export { parseBulkError, toCsv, type BulkOptions } from './salesforce.bulk';
export {
  DEFAULT_API_VERSION,
  DEFAULT_CALL_FIELDS,
  DEFAULT_EVALUATION_FIELDS,
  resolveSalesforceConnection,
  SALESFORCE_PRIVATE_KEY_PURPOSE,
  salesforceConnectionSettingsSchema,
  toSalesforceConnection,
  type SalesforceCallFieldNames,
  type SalesforceConnection,
  type SalesforceConnectionResolver,
  type SalesforceConnectionSettings,
  type SalesforceEvaluationFieldNames,
  type SalesforceTagField,
} from './salesforce.config';
export { parseApiUsage, translateRecordErrors, translateSalesforceError } from './salesforce.errors';
export { buildPhoneSearch, phoneMatches, phoneSearchDigits, quoteSoslTerm } from './salesforce.sosl';
export {
  peekSalesforceIssuer,
  readSalesforceCertificate,
  verifySalesforceAssertion,
  type SalesforceAssertionClaims,
  type SalesforceCertificateInfo,
} from './salesforce.identity';
