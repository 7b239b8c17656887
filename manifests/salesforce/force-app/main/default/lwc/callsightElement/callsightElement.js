import { LightningElement, api, wire } from 'lwc';
import { getRecord } from 'lightning/uiRecordApi';
import { NavigationMixin } from 'lightning/navigation';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { loadScript } from 'lightning/platformResourceLoader';
import CALLSIGHT from '@salesforce/resourceUrl/callsight';
import getSession from '@salesforce/apex/CallsightSessionController.getSession';
import USER_ID from '@salesforce/user/Id';
import LANG from '@salesforce/i18n/lang';
import { reduceErrors } from 'c/callsightErrors';
import { resolveLocale, translate } from 'c/callsightI18n';

/** The phone and name fields read for each record page the components sit on. */
export const RECORD_FIELDS = {
    Contact: ['Contact.Name', 'Contact.Phone', 'Contact.MobilePhone'],
    Account: ['Account.Name', 'Account.Phone'],
    Lead: ['Lead.Name', 'Lead.Phone', 'Lead.MobilePhone'],
    Case: ['Case.ContactId', 'Case.Contact.Name', 'Case.ContactPhone', 'Case.ContactMobile', 'Case.SuppliedName', 'Case.SuppliedPhone']
};

/**
 * The file each component's widget bundle has inside the `callsight` static resource (a zip of
 * dist/widgets/salesforce/*.iife.js, one IIFE per component; widgets/hosts/salesforce/salesforce-components.ts).
 */
export const BUNDLE_FILES = {
    callsightCallHistory: 'callsight-call-history.iife.js',
    callsightReviewPanel: 'callsight-review-panel.iife.js',
    callsightAdminSetup: 'callsight-admin-setup.iife.js',
    callsightInsights: 'callsight-insights.iife.js',
    callsightMyCalls: 'callsight-my-calls.iife.js',
    callsightTraining: 'callsight-training.iife.js'
};

const SESSION_CODES = ['NO_PERMISSION_SET', 'NOT_CONFIGURED', 'CERTIFICATE_FAILED', 'HUB_UNREACHABLE', 'HUB_REFUSED', 'BAD_RESPONSE'];

/** A failure handed to the widget through the bridge: `code` and `status` as the widgets' HostError carries them. */
class BridgeError extends Error {
    constructor(code, message) {
        super(message);
        this.name = 'HostError';
        this.code = code;
        this.status = 0;
    }
}

function fieldValue(record, name) {
    const field = record && record.fields ? record.fields[name] : undefined;
    return field && field.value !== null && field.value !== undefined ? field.value : undefined;
}

function compact(object) {
    const out = {};
    Object.keys(object).forEach((key) => {
        if (object[key] !== undefined && object[key] !== '') {
            out[key] = object[key];
        }
    });
    return out;
}

/** The customer a record page shows: the Contact, Account or Lead itself, or a Case's contact (web-to-case fields as a fallback). */
export function customerOf(objectApiName, recordId, record) {
    if (objectApiName === 'Case') {
        const contact = fieldValue(record, 'Contact');
        return compact({
            id: fieldValue(record, 'ContactId'),
            name: fieldValue(contact, 'Name') || fieldValue(record, 'SuppliedName'),
            phone: fieldValue(record, 'ContactPhone') || fieldValue(record, 'ContactMobile') || fieldValue(record, 'SuppliedPhone')
        });
    }
    return compact({
        id: recordId,
        name: fieldValue(record, 'Name'),
        phone: fieldValue(record, 'Phone') || fieldValue(record, 'MobilePhone')
    });
}

function sameCustomer(a, b) {
    return a.id === b.id && a.phone === b.phone && a.name === b.name;
}

/**
 * Base of the Callsight Lightning web components. Loads its component's bundle from the `callsight` static resource
 * (`loadScript` loads each URL once per page), asks Apex for a
 * hub session (a user without a Callsight permission set, or a hub that cannot be reached, gets a clear message
 * and no widget), reads the record's phone and name with getRecord, then mounts the widget named by
 * `componentName` into the `lwc:dom="manual"` container through `Callsight.mount`, with a HostBridge built on
 * the record, Apex, NavigationMixin and ShowToastEvent. Unmounts in disconnectedCallback.
 * Subclasses give `componentName` and a template with `<div class="callsight" lwc:dom="manual">`.
 */
export default class CallsightElement extends NavigationMixin(LightningElement) {
    @api recordId;
    @api objectApiName;

    status = 'loading';
    errorMessage;
    recordFields;

    locale = resolveLocale(LANG);
    customer;
    recordReady = false;
    scriptRequested = false;
    scriptLoaded = false;
    session;
    sessionUnused = false;
    mountRequested = false;
    mountedContainer;
    listeners = new Set();

    /** The SALESFORCE_COMPONENTS key this component mounts; subclasses override it. */
    get componentName() {
        throw new Error('A Callsight component must define componentName');
    }

    /** This component's file in the static resource (the call history's for a component with no bundle, whose mount then refuses it). */
    get bundleFile() {
        return BUNDLE_FILES[this.componentName] || BUNDLE_FILES.callsightCallHistory;
    }

    get isLoading() {
        return this.status === 'loading';
    }

    get hasError() {
        return this.status === 'error';
    }

    get containerClass() {
        return this.status === 'error' ? 'callsight slds-hide' : 'callsight';
    }

    get loadingLabel() {
        return translate(this.locale, 'loading');
    }

    get errorTitle() {
        return translate(this.locale, 'errorTitle');
    }

    get locationKind() {
        if (this.objectApiName === 'Case') {
            return 'case-record';
        }
        return this.recordId ? 'customer-record' : 'workspace';
    }

    connectedCallback() {
        this.recordFields = RECORD_FIELDS[this.objectApiName];
        this.recordReady = !this.recordId || !this.recordFields;
        this.customer = this.recordReady ? {} : undefined;
        this.status = 'loading';
        this.mountRequested = false;
        this.requestFirstSession();
    }

    renderedCallback() {
        if (this.scriptRequested) {
            return;
        }
        this.scriptRequested = true;
        loadScript(this, CALLSIGHT + '/' + this.bundleFile)
            .then(() => {
                this.scriptLoaded = true;
                this.mountWhenReady();
            })
            .catch((error) => this.showError('BUNDLE_MISSING', { detail: reduceErrors(error).join(', ') }));
    }

    disconnectedCallback() {
        if (this.mountedContainer && window.Callsight) {
            window.Callsight.unmount(this.mountedContainer);
        }
        this.mountedContainer = undefined;
        this.mountRequested = false;
        this.listeners.clear();
        this.session = undefined;
        this.sessionUnused = false;
    }

    @wire(getRecord, { recordId: '$recordId', optionalFields: '$recordFields' })
    wiredRecord({ data, error }) {
        if (error) {
            this.showError('RECORD_UNAVAILABLE', { detail: reduceErrors(error).join(', ') });
            return;
        }
        if (!data) {
            return;
        }
        const next = customerOf(this.objectApiName, this.recordId, data);
        const previous = this.customer;
        this.customer = next;
        this.recordReady = true;
        if (this.mountedContainer && previous && !sameCustomer(previous, next)) {
            [...this.listeners].forEach((listener) => listener());
            return;
        }
        this.mountWhenReady();
    }

    requestFirstSession() {
        getSession()
            .then((result) => {
                if (!result || result.ok !== true) {
                    this.showSessionFailure(result);
                    return;
                }
                this.session = result;
                this.sessionUnused = true;
                this.mountWhenReady();
            })
            .catch((error) => this.showError('UNKNOWN', { detail: reduceErrors(error).join(', ') }));
    }

    showSessionFailure(result) {
        const code = result && SESSION_CODES.includes(result.code) ? result.code : 'UNKNOWN';
        this.showError(code, { code: (result && (result.hubCode || result.code)) || '?', detail: (result && result.message) || '' });
    }

    showError(key, vars) {
        this.errorMessage = translate(this.locale, key, vars);
        this.status = 'error';
        if (this.mountedContainer && window.Callsight) {
            window.Callsight.unmount(this.mountedContainer);
            this.mountedContainer = undefined;
        }
    }

    mountWhenReady() {
        if (this.mountRequested || this.status === 'error' || !this.scriptLoaded || !this.session || !this.recordReady) {
            return;
        }
        const api = window.Callsight;
        if (!api || typeof api.mount !== 'function') {
            this.showError('BUNDLE_MISSING');
            return;
        }
        const container = this.template.querySelector('.callsight');
        this.mountRequested = true;
        this.mountedContainer = container;
        const component = this.componentName;
        api.mount(container, {
            component,
            bridge: this.createBridge(),
            fallbackLocale: this.locale,
            theme: 'slds',
            // Later files of the static resource (the chart runtime) load as the bundle did.
            loadAsset: (file) => loadScript(this, CALLSIGHT + '/' + file)
        })
            .then(() => {
                this.status = 'ready';
            })
            .catch((error) => {
                if (error && error.code === 'MOUNT_ABANDONED') {
                    return;
                }
                const known = typeof api.components === 'function' ? api.components() : [];
                if (error && error.code === 'MOUNT_INVALID' && !known.includes(component)) {
                    // The bundle shows its own "nothing to show here yet" message in the container.
                    this.status = 'placeholder';
                    return;
                }
                this.showError('MOUNT_FAILED', { detail: reduceErrors(error).join(', ') });
            });
    }

    /** The HostBridge the widget receives, plus navigation and toasts through the standard modules. */
    createBridge() {
        return {
            context: () =>
                Promise.resolve({
                    locale: this.locale,
                    location: this.locationKind,
                    customer: { ...(this.customer || {}) },
                    user: { id: USER_ID }
                }),
            resize: () => {},
            fetchToken: () => this.fetchToken(),
            onCustomerChanged: (listener) => {
                const entry = () => listener();
                this.listeners.add(entry);
                return () => {
                    this.listeners.delete(entry);
                };
            },
            navigate: (pageReference) => {
                this[NavigationMixin.Navigate](pageReference);
            },
            openRecord: (recordId, objectApiName) => {
                this[NavigationMixin.Navigate]({
                    type: 'standard__recordPage',
                    attributes: { recordId, objectApiName, actionName: 'view' }
                });
            },
            toast: ({ title, message, variant }) => {
                this.dispatchEvent(new ShowToastEvent({ title, message, variant: variant || 'info' }));
            }
        };
    }

    /** The first call uses the session fetched before mounting; later calls (after a 401) ask Apex again. */
    fetchToken() {
        if (this.session && this.sessionUnused) {
            this.sessionUnused = false;
            return Promise.resolve({ token: this.session.token, hubUrl: this.session.hubUrl });
        }
        return getSession().then(
            (result) => {
                if (result && result.ok === true) {
                    return { token: result.token, hubUrl: result.hubUrl };
                }
                const code = result && SESSION_CODES.includes(result.code) ? result.code : 'UNKNOWN';
                const message = translate(this.locale, code, { code: (result && (result.hubCode || result.code)) || '?', detail: (result && result.message) || '' });
                this.dispatchEvent(new ShowToastEvent({ title: translate(this.locale, 'errorTitle'), message, variant: 'error' }));
                throw new BridgeError('SESSION_FAILED', message);
            },
            (error) => {
                throw new BridgeError('SESSION_FAILED', reduceErrors(error).join(', '));
            }
        );
    }
}
