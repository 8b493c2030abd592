/**
 * The server counts offsets in Unicode code points (Python `str` indices); JavaScript
 * strings index UTF-16 code units. The two differ only after an astral character (emoji,
 * some CJK), so the map is the identity for most texts and costs nothing then.
 */
export interface OffsetMap {
  /** UTF-16 index of a code-point offset. */
  toUnits(codePoint: number): number;
  /** Code-point offset of a UTF-16 index. */
  toCodePoints(unit: number): number;
}

const IDENTITY: OffsetMap = { toUnits: (n) => n, toCodePoints: (n) => n };

export function offsetMap(text: string): OffsetMap {
  if (!/[\uD800-\uDBFF]/.test(text)) return IDENTITY;
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
  };
}
