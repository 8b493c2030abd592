/**
 * Reading figures out of the model and agreement JSON. Their metric objects follow the
 * contract's shape ({"value", "items", ...} or plain numbers); these helpers take either,
 * so one page shows what the server sends without breaking on a missing key.
 */
export type Json = Record<string, unknown>;

export function figure(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (value && typeof value === "object") {
    const v = value as Json;
    for (const key of ["value", "f1", "micro"]) {
      const n = figure(v[key]);
      if (n !== null) return n;
    }
  }
  return null;
}

/** The first of `keys` that `obj` has (dotted paths allowed), as a figure. */
export function pick(obj: unknown, ...keys: string[]): number | null {
  for (const key of keys) {
    let cur: unknown = obj;
    for (const part of key.split(".")) cur = cur && typeof cur === "object" ? (cur as Json)[part] : undefined;
    const n = figure(cur);
    if (n !== null) return n;
  }
  return null;
}

export function obj(value: unknown): Json {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}
