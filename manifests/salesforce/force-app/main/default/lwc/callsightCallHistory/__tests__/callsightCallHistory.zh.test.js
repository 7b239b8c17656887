import { createElement } from 'lwc';
import CallsightCallHistory from 'c/callsightCallHistory';
import { getRecord } from 'lightning/uiRecordApi';
import { loadScript } from 'lightning/platformResourceLoader';
import getSession from '@salesforce/apex/CallsightSessionController.getSession';
import { createCallsightStub, flushPromises } from 'callsight-test/callsight-stub';

const CONTACT = require('./data/getRecordContact.json');
const SESSION = require('./data/getSession.json');

jest.mock('@salesforce/apex/CallsightSessionController.getSession', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/i18n/lang', () => ({ default: 'zh-CN' }), { virtual: true });

let callsight;

async function mounted() {
    const element = createElement('c-callsight-call-history', { is: CallsightCallHistory });
    element.objectApiName = 'Contact';
    element.recordId = CONTACT.id;
    document.body.appendChild(element);
    getRecord.emit(CONTACT);
    await flushPromises();
    return element;
}

beforeEach(() => {
    callsight = createCallsightStub();
    loadScript.mockImplementation((_component, url) => {
        window.Callsight = callsight;
        return callsight.load(url);
    });
});

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    delete window.Callsight;
    jest.clearAllMocks();
});

describe('c-callsight-call-history for a Chinese-speaking user', () => {
    it('mounts the widget in Chinese', async () => {
        getSession.mockResolvedValue({ ...SESSION });
        await mounted();

        expect(callsight.mount.mock.calls[0][1].fallbackLocale).toBe('zh-cn');
        await expect(callsight.mount.mock.calls[0][1].bridge.context()).resolves.toMatchObject({ locale: 'zh-cn' });
    });

    it('explains a missing permission set in Chinese', async () => {
        getSession.mockResolvedValue({ ok: false, code: 'NO_PERMISSION_SET', message: 'You have no Callsight permission set.' });
        const element = await mounted();

        expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain('您没有 Callsight 权限集');
    });
});
