/**
 * The lower-case literal each alternative of a phrase pattern cannot match without, so a pattern
 * is only run on text that contains one of them (`includes` is far cheaper than a regex tried at
 * every position). Derived from the pattern's source: per top-level alternative, the longest run of
 * plain characters outside groups and character classes, without a character a quantifier makes
 * optional. A pattern with an alternative that has no run of three or more characters gets no
 * literals: it always runs.
 */
const META = new Set(["(", ")", "[", "]", "{", "}", "?", "*", "+", ".", "|", "^", "$"]);
const LITERAL_ESCAPES = new Set([".", "/", "+", "-", "(", ")", "[", "]", "?", "*", "|", "^", "$", "{", "}", "\\"]);
const MIN_LITERAL = 3;

export function requiredLiterals(pattern: RegExp): string[] | undefined {
  const literals: string[] = [];
  for (const alternative of topLevelAlternatives(pattern.source)) {
    const literal = longestLiteral(alternative);
    if (literal.length < MIN_LITERAL) return undefined;
    literals.push(literal.toLowerCase());
  }
  return literals;
}

function topLevelAlternatives(source: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let inClass = false;
  let current = "";
  for (let index = 0; index < source.length; index++) {
    const character = source[index]!;
    if (character === "\\") {
      current += character + (source[index + 1] ?? "");
      index++;
      continue;
    }
    if (inClass) inClass = character !== "]";
    else if (character === "[") inClass = true;
    else if (character === "(") depth++;
    else if (character === ")") depth--;
    else if (character === "|" && depth === 0) {
      alternatives.push(current);
      current = "";
      continue;
    }
    current += character;
  }
  alternatives.push(current);
  return alternatives;
}

function longestLiteral(alternative: string): string {
  let best = "";
  let run = "";
  let depth = 0;
  let inClass = false;
  const endRun = () => {
    if (run.length > best.length) best = run;
    run = "";
  };
  for (let index = 0; index < alternative.length; index++) {
    const character = alternative[index]!;
    const next = alternative[index + 1];
    const optional = next === "?" || next === "*" || (next === "{" && alternative[index + 2] === "0");
    if (inClass) {
      if (character === "\\") index++;
      else if (character === "]") {
        inClass = false;
        // The class's quantifier: {m,n} is skipped whole, ? * + as one character.
        if (next === "{") index = alternative.indexOf("}", index);
        else if (next === "?" || next === "*" || next === "+") index++;
      }
      continue;
    }
    if (character === "\\") {
      const escaped = alternative[index + 1] ?? "";
      index++;
      const afterEscape = alternative[index + 1];
      const escapedOptional = afterEscape === "?" || afterEscape === "*" || (afterEscape === "{" && alternative[index + 2] === "0");
      if (depth === 0 && LITERAL_ESCAPES.has(escaped) && !escapedOptional) run += escaped;
      else endRun();
      continue;
    }
    if (character === "[") {
      endRun();
      inClass = true;
      continue;
    }
    if (character === "(") {
      endRun();
      depth++;
      continue;
    }
    if (character === ")") {
      depth--;
      // A quantifier after a group applies to the group: nothing to drop from the run, which ended.
      continue;
    }
    if (depth > 0) continue;
    if (META.has(character)) {
      endRun();
      // {m,n} quantifiers: skip to the closing brace.
      if (character === "{") index = Math.max(index, alternative.indexOf("}", index));
      continue;
    }
    if (optional) {
      endRun();
      continue;
    }
    run += character;
    if (next === "+") endRun();
  }
  endRun();
  return best;
}
