import CallsightElement from 'c/callsightElement';

/** The QA review panel for the calls of a Case (shows a placeholder until the review widget ships). */
export default class CallsightReviewPanel extends CallsightElement {
    get componentName() {
        return 'callsightReviewPanel';
    }
}
