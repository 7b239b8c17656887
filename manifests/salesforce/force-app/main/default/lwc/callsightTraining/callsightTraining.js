import CallsightElement from 'c/callsightElement';

/** The training library of call clips on an App page. */
export default class CallsightTraining extends CallsightElement {
    get componentName() {
        return 'callsightTraining';
    }
}
