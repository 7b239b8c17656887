declare module 'zendesk_app_framework_sdk' {
  /** `init` returns false when the page was not opened by Zendesk (no `origin` / `app_guid` in the URL). */
  const ZAFClient: { init(callback?: (context: unknown) => void): object | false };
  export default ZAFClient;
}
