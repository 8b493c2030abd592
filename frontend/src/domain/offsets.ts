/**
 * The one place where the server's offsets meet JavaScript strings.
 *
 * The server counts offsets in Unicode code points (Python `str` indices); JavaScript
 * strings index UTF-16 code units. The two differ only after an astral character (emoji,
 * some CJK), so the map is the identity for most texts and costs nothing then. The pages keep
 * spans in UTF-16 units (what `slice` and the DOM want) and convert with `spanToUnits` when a
 * span arrives from the server and `spanToCodePoints` when one leaves for it; the span rules
 * (`spanProblems`) take code points, as the server does.
 */
export interface OffsetMap {
  /** UTF-16 index of a code-point offset. */
  toUnits(codePoint: number): number;
  /** Code-point offset of a UTF-16 index (an index inside a surrogate pair rounds up). */
  toCodePoints(unit: number): number;
  /** The text's length in code points (what the server calls its length). */
  readonly length: number;
}

export function offsetMap(text: string): OffsetMap {
  if (!/[\uD800-\uDBFF]/.test(text)) return { toUnits: (n) => n, toCodePoints: (n) => n, length: text.length };
  const unitsOf: number[] = []; // code point index -> unit index
  const pointsOf = new Int32Array(text.length + 1); // unit index -> code point index
  let unit = 0;
  let point = 0;
  for (const ch of text) {
    unitsOf.push(unit);
    pointsOf[unit] = point;
    if (ch.length === 2) pointsOf[unit + 1] = point + 1; // inside a pair: round up
    unit += ch.length;
    point += 1;
  }
  unitsOf.push(unit);
  pointsOf[unit] = point;
  return {
    toUnits: (n) => unitsOf[Math.max(0, Math.min(n, unitsOf.length - 1))],
    toCodePoints: (n) => pointsOf[Math.max(0, Math.min(n, text.length))],
    length: point,
  };
}

interface Ranged {
  start: number;
  end: number;
}

/** A span (or suggestion, or any start/end pair) from the server, in UTF-16 units. */
export function spanToUnits<T extends Ranged>(map: OffsetMap, span: T): T {
  return { ...span, start: map.toUnits(span.start), end: map.toUnits(span.end) };
}

/** A span held in UTF-16 units, in the server's code points. */
export function spanToCodePoints<T extends Ranged>(map: OffsetMap, span: T): T {
  return { ...span, start: map.toCodePoints(span.start), end: map.toCodePoints(span.end) };
}
