/**
 * A stand-in for the global `Callsight` that the bundles in the `callsight` static resource set
 * (widgets/hosts/salesforce/main.ts and callsight-registry.ts), with the same contract: `load(url)` is what running
 * one bundle (`callsight/callsight-<component>.iife.js`) does, adding that component; `mount(element, {component, bridge})`
 * checks the element and the bridge's four methods, renders into the element and resolves with the feature id;
 * a component no loaded bundle holds shows "Callsight has nothing to show here yet (<component>)" and rejects
 * with code MOUNT_INVALID; `unmount(element)` empties the element. Every call is recorded for assertions.
 */
const BRIDGE_METHODS = ['context', 'resize', 'fetchToken', 'onCustomerChanged'];
const BUNDLES = {
    'callsight-call-history.iife.js': ['callsightCallHistory', 'call-history'],
    'callsight-review-panel.iife.js': ['callsightReviewPanel', 'qa-review'],
    'callsight-admin-setup.iife.js': ['callsightAdminSetup', 'admin-setup'],
    'callsight-insights.iife.js': ['callsightInsights', 'insights'],
    'callsight-my-calls.iife.js': ['callsightMyCalls', 'my-calls'],
    'callsight-training.iife.js': ['callsightTraining', 'training']
};
/** Files of the static resource that hold no component (the chart runtime, which the insights bundle loads). */
const ASSETS = ['callsight-charts.iife.js'];

export function createCallsightStub() {
    const mounts = [];
    const unmounts = [];
    const loaded = [];
    const COMPONENTS = {};
    const stub = {
        mounts,
        unmounts,
        loaded,
        load: (url) => {
            const file = String(url).replace(/^callsight\//, '');
            if (String(url).startsWith('callsight/') && ASSETS.includes(file)) {
                loaded.push(url);
                return Promise.resolve();
            }
            const bundle = BUNDLES[file];
            if (!String(url).startsWith('callsight/') || bundle === undefined) {
                return Promise.reject(new Error(`Failed to load script at /resource/${url}`));
            }
            loaded.push(url);
            COMPONENTS[bundle[0]] = bundle[1];
            return Promise.resolve();
        },
        components: () => Object.keys(COMPONENTS),
        mount: jest.fn((element, options) => {
            if (!element || element.nodeType !== 1) {
                return Promise.reject(Object.assign(new Error('Callsight.mount needs a DOM element'), { code: 'MOUNT_INVALID' }));
            }
            const missing = BRIDGE_METHODS.filter((name) => typeof (options && options.bridge && options.bridge[name]) !== 'function');
            if (missing.length > 0) {
                return Promise.reject(Object.assign(new Error(`the bridge has no ${missing.join(', ')}`), { code: 'MOUNT_INVALID' }));
            }
            mounts.push({ element, options });
            const feature = COMPONENTS[options.component];
            const message = document.createElement('p');
            message.className = 'cs-message';
            if (feature === undefined) {
                message.textContent = `Callsight has nothing to show here yet (${options.component}).`;
                element.replaceChildren(message);
                return Promise.reject(Object.assign(new Error(`no widget for component "${options.component}"`), { code: 'MOUNT_INVALID' }));
            }
            message.textContent = `widget ${feature}`;
            message.dataset.feature = feature;
            element.replaceChildren(message);
            return Promise.resolve(feature);
        }),
        unmount: jest.fn((element) => {
            unmounts.push(element);
            element.replaceChildren();
        })
    };
    return stub;
}

/** Resolves after every pending promise callback has run. */
export function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}
