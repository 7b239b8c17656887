/**
 * Strings of the Callsight Lightning components in English and Simplified Chinese. The widget inside brings
 * its own strings; these cover what the component shows before or instead of the widget.
 */
const MESSAGES = {
    en: {
        loading: 'Loading Callsight…',
        errorTitle: 'Callsight is not available here',
        NO_PERMISSION_SET:
            'You have no Callsight permission set. Ask your Salesforce admin to assign Callsight Agent, QA, Manager or Admin.',
        NOT_CONFIGURED: 'Callsight is not connected to a hub yet. Ask your Salesforce admin to set the hub URL (Callsight Setting).',
        CERTIFICATE_FAILED:
            'Salesforce could not sign your Callsight sign-in. Ask your admin to check the certificate named in Callsight Setting.',
        HUB_UNREACHABLE: 'The Callsight hub cannot be reached. Try again later; if it keeps failing, ask your admin to check the Callsight Hub named credential.',
        HUB_REFUSED: 'The Callsight hub refused your sign-in (code {code}). Ask your admin to check the org registration and your permission set.',
        BAD_RESPONSE: 'The Callsight hub answered in an unexpected way; it may need an update.',
        RECORD_UNAVAILABLE: 'This record could not be read: {detail}',
        BUNDLE_MISSING: 'The Callsight widget bundle did not load. Ask your admin to redeploy the callsight static resource.',
        MOUNT_FAILED: 'The Callsight widget could not start: {detail}',
        UNKNOWN: 'Something went wrong: {detail}'
    },
    'zh-cn': {
        loading: '正在加载 Callsight…',
        errorTitle: 'Callsight 在此处不可用',
        NO_PERMISSION_SET: '您没有 Callsight 权限集，请联系 Salesforce 管理员分配 Callsight 坐席、质检、主管或管理员权限集。',
        NOT_CONFIGURED: 'Callsight 尚未连接到服务，请联系 Salesforce 管理员设置服务地址（Callsight Setting）。',
        CERTIFICATE_FAILED: 'Salesforce 无法为您的 Callsight 登录签名，请联系管理员检查 Callsight Setting 中指定的证书。',
        HUB_UNREACHABLE: '无法连接 Callsight 服务，请稍后再试；如仍失败，请联系管理员检查 Callsight Hub 命名凭据。',
        HUB_REFUSED: 'Callsight 服务拒绝了您的登录（代码 {code}），请联系管理员检查组织注册和您的权限集。',
        BAD_RESPONSE: 'Callsight 服务返回了无法识别的内容，可能需要升级。',
        RECORD_UNAVAILABLE: '无法读取此记录：{detail}',
        BUNDLE_MISSING: 'Callsight 组件包未能加载，请联系管理员重新部署 callsight 静态资源。',
        MOUNT_FAILED: 'Callsight 组件无法启动：{detail}',
        UNKNOWN: '出现错误：{detail}'
    }
};

/** Maps a Salesforce language (`zh_CN`, `zh-CN`, `en-US`...) to `zh-cn` or `en`, the locales the widgets ship. */
export function resolveLocale(lang) {
    return typeof lang === 'string' && /^zh(?:[-_]|$)/i.test(lang.trim()) ? 'zh-cn' : 'en';
}

/** The message for `key` in `locale`, `{name}` placeholders filled from `vars`; an unknown key falls back to UNKNOWN. */
export function translate(locale, key, vars = {}) {
    const catalog = MESSAGES[locale] || MESSAGES.en;
    const template = catalog[key] !== undefined ? catalog[key] : catalog.UNKNOWN;
    return template.replace(/\{(\w+)\}/g, (whole, name) => (vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : whole));
}

/** Every key, per locale, for tests that check both catalogs are complete. */
export function catalogKeys(locale) {
    return Object.keys(MESSAGES[locale] || {});
}
