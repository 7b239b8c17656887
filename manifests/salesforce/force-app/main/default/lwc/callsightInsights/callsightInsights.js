import CallsightElement from 'c/callsightElement';

/** The manager's KPIs and insights on an App page (shows a placeholder until the insights widget ships). */
export default class CallsightInsights extends CallsightElement {
    get componentName() {
        return 'callsightInsights';
    }
}
