/**
 * Pre-fill for CASUALTY_COUNT attributes from the span's words (guidelines: value is the
 * integer the phrase states, blank where it states none; qualifier from the quantifier;
 * victims from the head noun; status from the verb nearby). The annotator checks and
 * corrects; a guess that is not sure stays blank rather than wrong.
 */
export type Qualifier = "exact" | "at_least" | "more_than" | "approximately" | "up_to";

export interface CasualtyGuess {
  value: number | null;
  qualifier: Qualifier | null;
  victims: string | null;
  status: string | null;
}

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60,
  seventy: 70, eighty: 80, ninety: 90,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000 };

const QUALIFIERS: [RegExp, Qualifier][] = [
  [/\b(more than|over|upwards of|in excess of)\b/i, "more_than"],
  [/\b(at least|no fewer than|no less than|a minimum of)\b/i, "at_least"],
  [/\b(up to|as many as|at most)\b/i, "up_to"],
  [/\b(an estimated|estimated|about|around|roughly|approximately|nearly|almost|some|close to|about)\b/i, "approximately"],
];

const VICTIMS: [RegExp, string][] = [
  [/\b(children|child|kids|boys|girls|babies|infants)\b/i, "children"],
  [/\b(women|woman|mothers)\b/i, "women"],
  [/\b(civilians|civilian|residents|villagers)\b/i, "civilians"],
  [/\b(rebels|fighters|soldiers|troops|combatants|militants|insurgents|jihadists|gunmen)\b/i, "combatants"],
  [/\b(people|persons|lives|dead|victims|others)\b/i, "unspecified"],
];

const STATUS: [RegExp, string][] = [
  [/\b(wounded|injured|injuring|wounding|hurt)\b/i, "wounded"],
  [/\b(missing|disappeared|unaccounted)\b/i, "missing"],
  [/\b(killed|killing|kills|kill|dead|died|die|deaths|death|lives|massacred|slain|perished|toll)\b/i, "killed"],
];

/** The integer stated by the words, or null: "300" -> 300, "126,000" -> 126000, "six" -> 6,
 * "1.5 million" -> 1500000, "twenty-one" -> 21, "dozens" -> null. */
export function statedNumber(phrase: string): number | null {
  const digits = phrase.match(/(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(hundred|thousand|million)?\b/i);
  if (digits) {
    let value = Number(digits[1].replace(/,/g, ""));
    if (digits[2]) value *= SCALES[digits[2].toLowerCase()];
    return Number.isFinite(value) ? Math.round(value) : null;
  }
  let total = 0;
  let current = 0;
  let seen = false;
  for (const word of phrase.toLowerCase().split(/[\s-]+/)) {
    if (word in UNITS) {
      current += UNITS[word];
      seen = true;
    } else if (word in SCALES && seen) {
      current = Math.max(current, 1) * SCALES[word];
      if (SCALES[word] >= 1000) {
        total += current;
        current = 0;
      }
    } else if (word === "and" && seen) {
      continue;
    } else if (seen) {
      break;
    }
  }
  return seen ? total + current : null;
}

/**
 * A guess at a casualty span's attributes. `context` is the text around the span (the
 * status verb is usually outside it: "killed more than 300 people").
 */
export function guessCasualty(phrase: string, context = ""): CasualtyGuess {
  const value = statedNumber(phrase);
  let qualifier: Qualifier | null = null;
  if (value !== null) {
    qualifier = QUALIFIERS.find(([pattern]) => pattern.test(phrase))?.[1] ?? "exact";
  }
  const victims = VICTIMS.find(([pattern]) => pattern.test(phrase))?.[1] ?? null;
  const status =
    STATUS.find(([pattern]) => pattern.test(phrase))?.[1] ?? STATUS.find(([pattern]) => pattern.test(context))?.[1] ?? null;
  return { value, qualifier, victims, status };
}

/** Only the guesses the label's schema has room for, so the save never fails on them. */
export function casualtyAttrs(
  phrase: string,
  context: string,
  schema: Record<string, { type?: string; choices?: string[] }>,
): Record<string, unknown> {
  const guess = guessCasualty(phrase, context) as unknown as Record<string, unknown>;
  const attrs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(guess)) {
    const rule = schema[name];
    if (!rule || value === null) continue;
    if (rule.type === "choice" && !(rule.choices ?? []).includes(value as string)) continue;
    attrs[name] = value;
  }
  return attrs;
}
