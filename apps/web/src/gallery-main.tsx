/** Stand-alone entry of the widget gallery (`npx vite` in apps/web, then open /gallery.html). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Gallery } from './widgets/Gallery';
import './styles/index.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Gallery />
  </StrictMode>,
);
