/**
 * The same tokenizer as annotator/tokenize.py: a token is a maximal run of word characters
 * (letters, digits, combining marks) or a single other non-space character. Selections snap
 * to whole tokens, so every span the UI makes passes the server's "no boundary inside a
 * word" rule. Offsets here are UTF-16 indices into the JavaScript string.
 */
export interface Token {
  start: number;
  end: number;
}

const TOKEN = /[\p{L}\p{N}\p{M}]+|[^\s]/gu;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const start = match.index ?? 0;
    tokens.push({ start, end: start + match[0].length });
  }
  return tokens;
}

export function isWordChar(char: string): boolean {
  return WORD_CHAR.test(char);
}

/** The character ending at `offset` and the one starting there, whole even when astral. */
function charBefore(text: string, offset: number): string {
  const code = text.charCodeAt(offset - 1);
  if (code >= 0xdc00 && code <= 0xdfff && offset >= 2) return text.slice(offset - 2, offset);
  return text.charAt(offset - 1);
}

function charAt(text: string, offset: number): string {
  const cp = text.codePointAt(offset);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

/** True when a span boundary at `offset` would split a word (the server rejects that). */
export function boundaryInsideWord(text: string, offset: number): boolean {
  return (
    offset > 0 && offset < text.length && isWordChar(charBefore(text, offset)) && isWordChar(charAt(text, offset))
  );
}

/** Index of the first token whose end is after `offset` (binary search; tokens are sorted). */
export function tokenIndexAt(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The smallest run of whole tokens covering every token the range [start, end) touches.
 * A mouse selection that begins mid-word grows to the word's start; one that covers only
 * whitespace gives null.
 */
export function snapToTokens(tokens: readonly Token[], start: number, end: number): [number, number] | null {
  if (end < start) [start, end] = [end, start];
  const first = tokenIndexAt(tokens, start);
  if (first >= tokens.length) return null;
  let last = first;
  if (tokens[first].start >= end && end > start) return null; // only whitespace selected
  if (end === start) {
    // A click: the token under the caret, if any.
    return tokens[first].start <= start ? [tokens[first].start, tokens[first].end] : null;
  }
  while (last + 1 < tokens.length && tokens[last + 1].start < end) last += 1;
  return [tokens[first].start, tokens[last].end];
}
