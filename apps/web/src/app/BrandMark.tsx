/** The pulse logo. */
export function BrandMark() {
  return (
    <svg className="pb-brand__mark" viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="currentColor" opacity="0.14" />
      <path d="M4 17h6l3-8 5 15 3-7h7" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
