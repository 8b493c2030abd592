/** Small display helpers. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function num(value: unknown, digits = 3): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "–";
}

/** "Annotate · aleppo · Annotator": the page, then the project, so tabs tell themselves apart. */
export function pageTitle(title: unknown, slug: unknown): string {
  return [title, slug, "Annotator"].filter((part) => typeof part === "string" && part !== "").join(" · ");
}
