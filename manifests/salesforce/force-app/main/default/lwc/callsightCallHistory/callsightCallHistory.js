import CallsightElement from 'c/callsightElement';

/** The customer's past calls (player and transcript) on a Contact, Account, Lead or Case page. */
export default class CallsightCallHistory extends CallsightElement {
    get componentName() {
        return 'callsightCallHistory';
    }
}
