import { catalogKeys, resolveLocale, translate } from 'c/callsightI18n';

describe('callsightI18n', () => {
    it('ships the same keys in English and Chinese', () => {
        expect(catalogKeys('zh-cn').sort()).toEqual(catalogKeys('en').sort());
        expect(catalogKeys('en').length).toBeGreaterThan(5);
    });

    it.each([
        ['zh_CN', 'zh-cn'],
        ['zh-CN', 'zh-cn'],
        ['zh-TW', 'zh-cn'],
        ['en-US', 'en'],
        ['ja', 'en'],
        [undefined, 'en']
    ])('maps the Salesforce language %s to %s', (lang, locale) => {
        expect(resolveLocale(lang)).toBe(locale);
    });

    it('fills placeholders and leaves unknown ones visible', () => {
        expect(translate('en', 'HUB_REFUSED', { code: 'ORG_UNKNOWN' })).toContain('(code ORG_UNKNOWN)');
        expect(translate('zh-cn', 'RECORD_UNAVAILABLE')).toBe('无法读取此记录：{detail}');
        expect(translate('en', 'NO_SUCH_KEY', { detail: 'x' })).toBe('Something went wrong: x');
    });
});
