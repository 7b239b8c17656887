import { render } from 'preact';
import './demo.css';
import { DemoApp } from './demo-app';

const container = document.getElementById('app');
if (container === null) throw new Error('demo.html must contain <div id="app"></div>');
render(<DemoApp />, container);
