import { createElement } from 'lwc';
import CallsightInsights from 'c/callsightInsights';
import { getRecord } from 'lightning/uiRecordApi';
import { loadScript } from 'lightning/platformResourceLoader';
import getSession from '@salesforce/apex/CallsightSessionController.getSession';
import { createCallsightStub, flushPromises } from 'callsight-test/callsight-stub';

const SESSION = require('../../callsightCallHistory/__tests__/data/getSession.json');

jest.mock('@salesforce/apex/CallsightSessionController.getSession', () => ({ default: jest.fn() }), { virtual: true });

let callsight;

async function mountedOnAppPage() {
    const element = createElement('c-callsight-insights', { is: CallsightInsights });
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

beforeEach(() => {
    callsight = createCallsightStub();
    loadScript.mockImplementation((_component, url) => {
        window.Callsight = callsight;
        return callsight.load(url);
    });
    getSession.mockResolvedValue({ ...SESSION, role: 'manager' });
});

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    delete window.Callsight;
    jest.clearAllMocks();
});

describe('c-callsight-insights', () => {
    it('mounts callsightInsights on an App page without any record, as a workspace with no customer', async () => {
        const element = await mountedOnAppPage();

        expect(getRecord.getLastConfig()).toMatchObject({ recordId: undefined });
        expect(callsight.mount).toHaveBeenCalledTimes(1);
        const { component, bridge } = callsight.mount.mock.calls[0][1];
        expect(component).toBe('callsightInsights');
        await expect(bridge.context()).resolves.toEqual({ locale: 'en', location: 'workspace', customer: {}, user: { id: '005000000000000000' } });
        await expect(bridge.fetchToken()).resolves.toEqual({ token: SESSION.token, hubUrl: SESSION.hubUrl });
        expect(loadScript.mock.calls.map((call) => call[1])).toEqual(['callsight/callsight-insights.iife.js']);
        expect(element.shadowRoot.querySelector('.callsight [data-feature]').dataset.feature).toBe('insights');
        expect(element.shadowRoot.querySelector('[role="alert"]')).toBeNull();
    });

    it('hands the widget a loader that fetches the chart runtime from the same static resource with loadScript', async () => {
        await mountedOnAppPage();
        const { loadAsset } = callsight.mount.mock.calls[0][1];

        await loadAsset('callsight-charts.iife.js');

        expect(loadScript.mock.calls.map((call) => call[1])).toEqual(['callsight/callsight-insights.iife.js', 'callsight/callsight-charts.iife.js']);
    });

    it('unmounts when removed', async () => {
        const element = await mountedOnAppPage();
        const target = element.shadowRoot.querySelector('.callsight');
        document.body.removeChild(element);

        expect(callsight.unmount).toHaveBeenCalledWith(target);
    });

    it('shows a clear message when the user has no Callsight permission set', async () => {
        getSession.mockResolvedValue({ ok: false, code: 'NO_PERMISSION_SET', message: 'You have no Callsight permission set.' });
        const element = await mountedOnAppPage();

        expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain('You have no Callsight permission set');
        expect(callsight.mount).not.toHaveBeenCalled();
    });

    it('shows a clear message, with the hub code, when the hub refuses the org', async () => {
        getSession.mockResolvedValue({ ok: false, code: 'HUB_REFUSED', hubCode: 'ORG_UNKNOWN', message: 'The Callsight hub refused your sign-in.' });
        const element = await mountedOnAppPage();

        expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain('refused your sign-in (code ORG_UNKNOWN)');
    });

    it('shows a clear message when the hub cannot be reached', async () => {
        getSession.mockResolvedValue({ ok: false, code: 'HUB_UNREACHABLE', message: 'The Callsight hub cannot be reached.' });
        const element = await mountedOnAppPage();

        expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain('The Callsight hub cannot be reached');
        expect(callsight.mount).not.toHaveBeenCalled();
    });
});
