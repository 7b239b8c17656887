import { render } from 'preact';
import sldsUrl from '@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.css?url';
import './salesforce-demo.css';
import { SalesforceDemoApp } from './salesforce-demo-app';

// SLDS is linked as a file of its own, not bundled into the page's CSS: Lightning provides it to real record
// pages, so it is no part of the page's size budget, and it still loads only from the hub (CSP 'self').
const slds = document.createElement('link');
slds.rel = 'stylesheet';
slds.href = sldsUrl;
document.head.prepend(slds);

const container = document.getElementById('app');
if (container === null) throw new Error('salesforce-demo.html must contain <div id="app"></div>');
render(<SalesforceDemoApp />, container);
