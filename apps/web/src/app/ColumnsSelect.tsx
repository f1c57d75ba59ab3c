/** Column counts offered for a dashboard's grid (the model allows 1–48). */
export const COLUMN_CHOICES = [6, 8, 12, 16, 24] as const;

/** The grid's column count in edit mode; a change is one optimistic `setDashboardMeta`. */
export function ColumnsSelect({ columns, onChange }: { columns: number; onChange: (columns: number) => void }) {
  const choices = [...new Set([...COLUMN_CHOICES, columns])].sort((a, b) => a - b);
  return (
    <select className="pb-select pb-columns-select" value={columns} onChange={(e) => onChange(Number(e.target.value))} aria-label="Grid columns" title="Grid columns" data-testid="columns-select">
      {choices.map((n) => (
        <option key={n} value={n}>
          {n} columns
        </option>
      ))}
    </select>
  );
}
