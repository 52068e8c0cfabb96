import { render } from 'preact';
import { App } from './app.js';
import { Connection } from './connection.js';
import './style.css';

const connection = new Connection(`ws://${location.host}/ws`);
// For scripts driving the page (the ui-latency bench, the browser tests): the same connection the page uses.
(window as unknown as { romhostInspector: Connection }).romhostInspector = connection;
render(<App connection={connection} />, document.getElementById('app')!);
