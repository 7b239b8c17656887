import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import CallsightCallHistory from 'c/callsightCallHistory';
import CallsightReviewPanel from 'c/callsightReviewPanel';
import CallsightInsights from 'c/callsightInsights';

const COMPONENTS = {
    'c-callsight-call-history': CallsightCallHistory,
    'c-callsight-review-panel': CallsightReviewPanel,
    'c-callsight-insights': CallsightInsights
};

window.renderCallsight = (tag, props) => {
    const element = createElement(tag, { is: COMPONENTS[tag] });
    Object.assign(element, props);
    document.querySelector('#page').appendChild(element);
    return element;
};
