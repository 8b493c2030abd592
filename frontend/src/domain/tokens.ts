/**
 * The same tokenizer as annotator/tokenize.py: a token is a maximal run of user-perceived
 * characters (grapheme clusters, cut by `Intl.Segmenter`, as Python's `regex` cuts `\X`)
 * that each begin with a word character (letters, digits, combining marks), or a single
 * other non-space cluster, so a flag or an emoji ZWJ family is one token. Selections snap
 * to whole tokens, so every span the UI makes passes the server's rules. Offsets here are
 * UTF-16 indices into the JavaScript string (see offsets.ts for the server's code points).
 */
export interface Token {
  start: number;
  end: number;
}

const PLAIN_TOKEN = /[\p{L}\p{N}]+|[^\s]/gu;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const WORD_START = /^[\p{L}\p{N}\p{M}]/u;
const SPACE = /\s/;
/**
 * Every character that can join the one before or after it into one cluster (marks, format
 * characters such as the ZWJ, regional indicators, skin tones, Hangul jamo and the few other
 * UAX #29 Prepend/SpacingMark letters), and a few more: between two characters that are not
 * in this class there is always a cluster boundary, so texts without any skip the segmenter.
 */
const JOINING =
  /[\p{M}\p{Cf}\p{Regional_Indicator}\p{Emoji_Modifier}\r\u0D4E\u0E33\u0EB3\u1100-\u11FF\uA960-\uA97F\uAC00-\uD7FF\uFF9E\uFF9F\u{111C2}\u{111C3}\u{1193F}\u{11941}\u{11A3A}\u{11A84}-\u{11A89}\u{11F02}]/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

const JOINING_CLASS = JOINING.source.slice(1, -1);
/**
 * Stretches the tokenizer can cut alone: runs of non-space characters (a space right after a
 * joining character stays, as a Prepend character and the space after it are one cluster).
 * A token never crosses from one run to the next, and only a run holding a joining character
 * needs the segmenter: the rest of a long text with one emoji family stays on the fast path.
 */
const RUN = new RegExp(`(?:\\S|(?<=[${JOINING_CLASS}])\\s)+`, "gu");

function plainTokens(text: string, offset: number, tokens: Token[]) {
  for (const match of text.matchAll(PLAIN_TOKEN)) {
    const start = offset + (match.index ?? 0);
    tokens.push({ start, end: start + match[0].length });
  }
}

function clusteredTokens(run: string, offset: number, tokens: Token[]) {
  let word: Token | null = null;
  const add = (segment: string, index: number) => {
    if (WORD_START.test(segment)) {
      if (word && word.end === index) word.end = index + segment.length;
      else tokens.push((word = { start: index, end: index + segment.length }));
    } else {
      word = null;
      tokens.push({ start: index, end: index + segment.length });
    }
  };
  for (const { segment, index } of graphemes.segment(run)) {
    if (!SPACE.test(segment[0])) {
      add(segment, offset + index);
      continue;
    }
    // A cluster that begins with a space (" " + a combining mark): the tokenizer starts
    // afresh after the space, as Python's does.
    word = null;
    let skip = 0;
    while (skip < segment.length && SPACE.test(segment[skip])) skip += 1;
    if (skip < segment.length) for (const part of graphemes.segment(segment.slice(skip))) add(part.segment, offset + index + skip + part.index);
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // Every cluster is one character: a plain pattern gives the same tokens, much faster.
  if (!JOINING.test(text)) plainTokens(text, 0, tokens);
  else for (const run of text.matchAll(RUN)) (JOINING.test(run[0]) ? clusteredTokens : plainTokens)(run[0], run.index ?? 0, tokens);
  return tokens;
}

export function isWordChar(char: string): boolean {
  return WORD_CHAR.test(char);
}

/** The character ending at `offset` and the one starting there, whole even when astral. */
export function charBefore(text: string, offset: number): string {
  const code = text.charCodeAt(offset - 1);
  if (code >= 0xdc00 && code <= 0xdfff && offset >= 2) return text.slice(offset - 2, offset);
  return text.charAt(offset - 1);
}

export function charAt(text: string, offset: number): string {
  const cp = text.codePointAt(offset);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

/** True when a span boundary at `offset` would split a word (the server rejects that). */
export function boundaryInsideWord(text: string, offset: number): boolean {
  return (
    offset > 0 && offset < text.length && isWordChar(charBefore(text, offset)) && isWordChar(charAt(text, offset))
  );
}

/**
 * The cluster `offset` falls strictly inside, as [start, end), or null: the same answer as
 * annotator.spans.cluster_at (a flag, an emoji family, a letter and its marks).
 */
export function clusterAt(text: string, offset: number): [number, number] | null {
  if (offset <= 0 || offset >= text.length) return null;
  if (!JOINING.test(charBefore(text, offset)) && !JOINING.test(charAt(text, offset))) return null;
  // Back to where a cluster surely begins: after a space, or between two non-joining characters.
  let at = offset;
  while (at > 0) {
    const previous = charBefore(text, at);
    if (SPACE.test(previous) || (!JOINING.test(previous) && !JOINING.test(charAt(text, at)))) break;
    at -= previous.length;
  }
  for (const { segment, index } of graphemes.segment(text.slice(at, Math.min(text.length, offset + 64)))) {
    const start = at + index;
    const end = start + segment.length;
    if (end > offset) return start < offset ? [start, end] : null;
  }
  return null;
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
