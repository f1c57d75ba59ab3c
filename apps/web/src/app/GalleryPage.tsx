import { lazy, Suspense } from 'react';

// The gallery is a development page: keep it (and its sample data) out of the main bundle.
const Gallery = lazy(() => import('../widgets/Gallery'));

/** Every widget type with sample and live data (`#/gallery`). */
export function GalleryPage() {
  return (
    <Suspense fallback={<main className="pb-state">Loading the gallery…</main>}>
      <Gallery />
    </Suspense>
  );
}
