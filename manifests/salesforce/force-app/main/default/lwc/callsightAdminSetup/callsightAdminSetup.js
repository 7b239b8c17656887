import CallsightElement from 'c/callsightElement';

/** The administrator's Callsight setup (connections, scorecards, sampling) on an App page. */
export default class CallsightAdminSetup extends CallsightElement {
    get componentName() {
        return 'callsightAdminSetup';
    }
}
