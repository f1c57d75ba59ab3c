/** A URL-safe id for a new dashboard made from its title ("Ops — EU" → "ops-eu"). */
export function slugify(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 48)
    // Trimmed after the cut too, so a long title never leaves a trailing dash.
    .replace(/^-+|-+$/g, '');
  return slug || `board-${Math.random().toString(36).slice(2, 8)}`;
}
