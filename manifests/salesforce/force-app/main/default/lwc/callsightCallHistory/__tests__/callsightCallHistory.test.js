import { createElement } from 'lwc';
import CallsightCallHistory from 'c/callsightCallHistory';
import { getRecord } from 'lightning/uiRecordApi';
import { loadScript } from 'lightning/platformResourceLoader';
import { navigationCalls, resetNavigation } from 'lightning/navigation';
import getSession from '@salesforce/apex/CallsightSessionController.getSession';
import { createCallsightStub, flushPromises } from 'callsight-test/callsight-stub';

const CONTACT = require('./data/getRecordContact.json');
const CASE = require('./data/getRecordCase.json');
const SESSION = require('./data/getSession.json');

jest.mock('@salesforce/apex/CallsightSessionController.getSession', () => ({ default: jest.fn() }), { virtual: true });

let callsight;

function createComponent(objectApiName, recordId) {
    const element = createElement('c-callsight-call-history', { is: CallsightCallHistory });
    element.objectApiName = objectApiName;
    element.recordId = recordId;
    document.body.appendChild(element);
    return element;
}

async function mountedOn(objectApiName, record) {
    const element = createComponent(objectApiName, record.id);
    getRecord.emit(record);
    await flushPromises();
    return element;
}

const container = (element) => element.shadowRoot.querySelector('.callsight');
const alertText = (element) => element.shadowRoot.querySelector('[role="alert"]')?.textContent ?? null;

beforeEach(() => {
    callsight = createCallsightStub();
    loadScript.mockImplementation((_component, url) => {
        window.Callsight = callsight;
        return callsight.load(url);
    });
    getSession.mockResolvedValue({ ...SESSION });
    resetNavigation();
});

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    delete window.Callsight;
    jest.clearAllMocks();
});

describe('c-callsight-call-history', () => {
    it('loads the callsight static resource once and mounts the call history into the manual-DOM container', async () => {
        const element = await mountedOn('Contact', CONTACT);

        expect(loadScript).toHaveBeenCalledTimes(1);
        expect(loadScript.mock.calls[0][1]).toBe('callsight/callsight-call-history.iife.js');
        expect(callsight.mount).toHaveBeenCalledTimes(1);
        const [target, options] = callsight.mount.mock.calls[0];
        expect(target).toBe(container(element));
        expect(options.component).toBe('callsightCallHistory');
        expect(options.fallbackLocale).toBe('en');
        expect(options.theme).toBe('slds');
        expect(container(element).textContent).toBe('widget call-history');
        expect(alertText(element)).toBeNull();
    });

    it("passes the Contact's phone, name and id and the user as the host context", async () => {
        await mountedOn('Contact', CONTACT);
        const { bridge } = callsight.mounts[0].options;

        await expect(bridge.context()).resolves.toEqual({
            locale: 'en',
            location: 'customer-record',
            customer: { id: CONTACT.id, name: '李雷', phone: '+86 138 1234 5678' },
            user: { id: '005000000000000000' }
        });
        expect(getRecord.getLastConfig()).toEqual({
            recordId: CONTACT.id,
            optionalFields: ['Contact.Name', 'Contact.Phone', 'Contact.MobilePhone']
        });
    });

    it("uses a Case's contact as the customer on a Case page", async () => {
        await mountedOn('Case', CASE);
        const context = await callsight.mounts[0].options.bridge.context();

        expect(context.location).toBe('case-record');
        expect(context.customer).toEqual({ id: '0035g00000ABCDEAA1', name: 'Han Meimei', phone: '+1 415 555 0100' });
    });

    it('waits for the record before mounting', async () => {
        createComponent('Contact', CONTACT.id);
        await flushPromises();
        expect(callsight.mount).not.toHaveBeenCalled();

        getRecord.emit(CONTACT);
        await flushPromises();
        expect(callsight.mount).toHaveBeenCalledTimes(1);
    });

    it('tells the widget when the record now shows another customer, and not when nothing changed', async () => {
        await mountedOn('Contact', CONTACT);
        const { bridge } = callsight.mounts[0].options;
        const listener = jest.fn();
        bridge.onCustomerChanged(listener);

        getRecord.emit({ ...CONTACT, fields: { ...CONTACT.fields } });
        await flushPromises();
        expect(listener).not.toHaveBeenCalled();

        getRecord.emit({ ...CONTACT, fields: { ...CONTACT.fields, Phone: { displayValue: null, value: '+86 138 0000 9999' } } });
        await flushPromises();
        expect(listener).toHaveBeenCalledTimes(1);
        expect((await bridge.context()).customer.phone).toBe('+86 138 0000 9999');
        expect(callsight.mount).toHaveBeenCalledTimes(1);
    });

    it('hands the widget the session fetched before mounting, then asks Apex for a fresh one', async () => {
        await mountedOn('Contact', CONTACT);
        const { bridge } = callsight.mounts[0].options;

        await expect(bridge.fetchToken()).resolves.toEqual({ token: 'hub-session-token-1', hubUrl: 'https://callsight.example.com' });
        expect(getSession).toHaveBeenCalledTimes(1);

        getSession.mockResolvedValueOnce({ ...SESSION, token: 'hub-session-token-2' });
        await expect(bridge.fetchToken()).resolves.toEqual({ token: 'hub-session-token-2', hubUrl: 'https://callsight.example.com' });
        expect(getSession).toHaveBeenCalledTimes(2);
    });

    it('rejects a later token request with SESSION_FAILED and shows a toast when the hub refuses', async () => {
        const element = await mountedOn('Contact', CONTACT);
        const { bridge } = callsight.mounts[0].options;
        await bridge.fetchToken();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        getSession.mockResolvedValueOnce({ ok: false, code: 'HUB_REFUSED', hubCode: 'ORG_UNKNOWN', message: 'The org is not registered' });

        await expect(bridge.fetchToken()).rejects.toMatchObject({ code: 'SESSION_FAILED', status: 0 });
        expect(toasts).toHaveLength(1);
        expect(toasts[0].variant).toBe('error');
        expect(toasts[0].message).toContain('ORG_UNKNOWN');
    });

    it('navigates and shows toasts through the standard modules', async () => {
        const element = await mountedOn('Contact', CONTACT);
        const { bridge } = callsight.mounts[0].options;
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));

        bridge.openRecord('5005g00000QRSTUAA1', 'Case');
        bridge.toast({ title: 'Saved', message: 'Score published', variant: 'success' });

        expect(navigationCalls()).toEqual([
            {
                pageReference: { type: 'standard__recordPage', attributes: { recordId: '5005g00000QRSTUAA1', objectApiName: 'Case', actionName: 'view' } },
                replace: undefined
            }
        ]);
        expect(toasts).toEqual([{ title: 'Saved', message: 'Score published', variant: 'success' }]);
    });

    it('unmounts the widget and drops its subscriptions when removed from the page', async () => {
        const element = await mountedOn('Contact', CONTACT);
        const target = container(element);
        const { bridge } = callsight.mounts[0].options;
        const listener = jest.fn();
        bridge.onCustomerChanged(listener);

        document.body.removeChild(element);

        expect(callsight.unmount).toHaveBeenCalledTimes(1);
        expect(callsight.unmount).toHaveBeenCalledWith(target);
        expect(target.childNodes).toHaveLength(0);
        getRecord.emit({ ...CONTACT, fields: { ...CONTACT.fields, Phone: { displayValue: null, value: '+86 138 0000 9999' } } });
        await flushPromises();
        expect(listener).not.toHaveBeenCalled();
    });

    it('shows a clear message and mounts nothing when the user has no Callsight permission set', async () => {
        getSession.mockResolvedValue({
            ok: false,
            code: 'NO_PERMISSION_SET',
            message: 'You have no Callsight permission set. Ask your Salesforce admin to assign Callsight Agent, QA, Manager or Admin.'
        });
        const element = await mountedOn('Contact', CONTACT);

        expect(alertText(element)).toContain('You have no Callsight permission set');
        expect(callsight.mount).not.toHaveBeenCalled();
        expect(container(element).classList).toContain('slds-hide');
    });

    it('shows a clear message when the hub cannot be reached', async () => {
        getSession.mockResolvedValue({ ok: false, code: 'HUB_UNREACHABLE', message: 'The Callsight hub cannot be reached.' });
        const element = await mountedOn('Contact', CONTACT);

        expect(alertText(element)).toContain('The Callsight hub cannot be reached');
        expect(callsight.mount).not.toHaveBeenCalled();
    });

    it('shows the Apex error text when the session call itself fails', async () => {
        getSession.mockRejectedValue({ body: { message: 'Insufficient access to CallsightSessionController' }, status: 403 });
        const element = await mountedOn('Contact', CONTACT);

        expect(alertText(element)).toContain('Insufficient access to CallsightSessionController');
        expect(callsight.mount).not.toHaveBeenCalled();
    });

    it('shows why when the record cannot be read', async () => {
        const element = createComponent('Contact', CONTACT.id);
        getRecord.error({ message: 'The requested resource does not exist' }, 404, 'Not Found');
        await flushPromises();

        expect(alertText(element)).toContain('This record could not be read');
        expect(callsight.mount).not.toHaveBeenCalled();
    });

    it('says the bundle is missing when the static resource does not load', async () => {
        loadScript.mockImplementation(() => Promise.reject(new Error('Failed to load script at /resource/callsight')));
        const element = await mountedOn('Contact', CONTACT);

        expect(alertText(element)).toContain('The Callsight widget bundle did not load');
    });
});
