// First: takes the link's token and starts the first dashboard read while the rest evaluates.
import './app/boot';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/index.css';
import './app/app.css';
import { App } from './app/App';
import { takeTokenFromUrl } from './app/keyring';
import { registerServiceWorker } from './app/service-worker';
import { applyTheme, loadThemeChoice } from './app/ThemeToggle';

applyTheme(loadThemeChoice());
// A login link opened in a tab that already runs the app only changes the hash.
window.addEventListener('hashchange', () => takeTokenFromUrl());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

registerServiceWorker();
