/**
 * Browser stand-ins for the Lightning platform modules the Callsight components import, driven by
 * `window.__callsightPage` (the record, the Apex answer, the language), so the compiled components run in plain
 * Chromium the way they run on a record page. Navigation and toasts are recorded on the same object.
 */
const page = () => window.__callsightPage;

export class getRecord {
    constructor(dataCallback) {
        this.dataCallback = dataCallback;
    }
    connect() {}
    disconnect() {}
    update(config) {
        if (config.recordId) {
            this.dataCallback({ data: page().record, error: undefined });
        }
    }
}

const Navigate = Symbol('Navigate');
export const NavigationMixin = (Base) =>
    class extends Base {
        [Navigate](pageReference) {
            page().navigations.push(pageReference);
        }
    };
NavigationMixin.Navigate = Navigate;

export class ShowToastEvent extends CustomEvent {
    constructor(toast) {
        super('lightning__showtoast', { composed: true, cancelable: true, bubbles: true, detail: toast });
    }
}

const loaded = new Set();
export function loadScript(_component, url) {
    if (loaded.has(url)) return Promise.resolve();
    return new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = url;
        script.onload = () => {
            loaded.add(url);
            resolve();
        };
        script.onerror = () => reject(new Error(`Failed to load script at ${url}`));
        document.head.appendChild(script);
    });
}

export function getSession() {
    const answer = page().session;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
}
