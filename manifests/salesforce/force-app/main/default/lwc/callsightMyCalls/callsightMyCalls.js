import CallsightElement from 'c/callsightElement';

/** The agent's own calls, evaluations and coaching tasks on an App page. */
export default class CallsightMyCalls extends CallsightElement {
    get componentName() {
        return 'callsightMyCalls';
    }
}
