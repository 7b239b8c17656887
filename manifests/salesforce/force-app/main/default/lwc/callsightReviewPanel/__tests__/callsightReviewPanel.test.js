import { createElement } from 'lwc';
import CallsightReviewPanel from 'c/callsightReviewPanel';
import { getRecord } from 'lightning/uiRecordApi';
import { loadScript } from 'lightning/platformResourceLoader';
import getSession from '@salesforce/apex/CallsightSessionController.getSession';
import { createCallsightStub, flushPromises } from 'callsight-test/callsight-stub';

const CASE = require('../../callsightCallHistory/__tests__/data/getRecordCase.json');
const SESSION = require('../../callsightCallHistory/__tests__/data/getSession.json');

jest.mock('@salesforce/apex/CallsightSessionController.getSession', () => ({ default: jest.fn() }), { virtual: true });

let callsight;

async function mountedOnCase() {
    const element = createElement('c-callsight-review-panel', { is: CallsightReviewPanel });
    element.objectApiName = 'Case';
    element.recordId = CASE.id;
    document.body.appendChild(element);
    getRecord.emit(CASE);
    await flushPromises();
    return element;
}

beforeEach(() => {
    callsight = createCallsightStub();
    loadScript.mockImplementation((_component, url) => {
        window.Callsight = callsight;
        return callsight.load(url);
    });
    getSession.mockResolvedValue({ ...SESSION, role: 'qa' });
});

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    delete window.Callsight;
    jest.clearAllMocks();
});

describe('c-callsight-review-panel', () => {
    it("loads the review panel's bundle and mounts callsightReviewPanel with the Case's contact", async () => {
        const element = await mountedOnCase();

        expect(callsight.mount).toHaveBeenCalledTimes(1);
        const { component, bridge } = callsight.mount.mock.calls[0][1];
        expect(component).toBe('callsightReviewPanel');
        await expect(bridge.context()).resolves.toMatchObject({ location: 'case-record', customer: { id: '0035g00000ABCDEAA1', phone: '+1 415 555 0100' } });
        expect(loadScript.mock.calls.map((call) => call[1])).toEqual(['callsight/callsight-review-panel.iife.js']);
        expect(element.shadowRoot.querySelector('.callsight [data-feature]').dataset.feature).toBe('qa-review');
        expect(element.shadowRoot.querySelector('[role="alert"]')).toBeNull();
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    });

    it('unmounts when removed', async () => {
        const element = await mountedOnCase();
        const target = element.shadowRoot.querySelector('.callsight');
        document.body.removeChild(element);

        expect(callsight.unmount).toHaveBeenCalledWith(target);
    });

    it('shows a clear message when the user has no Callsight permission set', async () => {
        getSession.mockResolvedValue({ ok: false, code: 'NO_PERMISSION_SET', message: 'You have no Callsight permission set.' });
        const element = await mountedOnCase();

        expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain('You have no Callsight permission set');
        expect(callsight.mount).not.toHaveBeenCalled();
    });

    it('shows a clear message when the hub cannot be reached', async () => {
        getSession.mockResolvedValue({ ok: false, code: 'HUB_UNREACHABLE', message: 'The Callsight hub cannot be reached.' });
        const element = await mountedOnCase();

        expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain('The Callsight hub cannot be reached');
        expect(callsight.mount).not.toHaveBeenCalled();
    });
});
