import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from '@client/App';
import { initI18n } from '@client/i18n/i18n';
import '@client/styles/app.css';

initI18n();

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
