/**
 * JSON.parse as an upstream whose parser keeps the FIRST of two equal keys would read a text
 * (JSON.parse keeps the last). Comparing both readings of what the proxy sent shows a duplicate
 * key that a byte copy let through, which JSON.parse alone cannot see.
 */
export function parseKeepingFirstKey(text: string): unknown {
  let at = 0;
  const space = () => {
    while (at < text.length && " \t\n\r".includes(text[at]!)) at++;
  };
  const value = (): unknown => {
    space();
    const char = text[at];
    if (char === "{") {
      at++;
      const object: Record<string, unknown> = {};
      space();
      if (text[at] === "}") return at++, object;
      for (;;) {
        space();
        const key = string();
        space();
        if (text[at++] !== ":") throw new Error(`expected ':' at ${at - 1}`);
        const member = value();
        if (!Object.hasOwn(object, key)) Object.defineProperty(object, key, { value: member, enumerable: true, writable: true, configurable: true });
        space();
        const next = text[at++];
        if (next === "}") return object;
        if (next !== ",") throw new Error(`expected ',' or '}' at ${at - 1}`);
      }
    }
    if (char === "[") {
      at++;
      const array: unknown[] = [];
      space();
      if (text[at] === "]") return at++, array;
      for (;;) {
        array.push(value());
        space();
        const next = text[at++];
        if (next === "]") return array;
        if (next !== ",") throw new Error(`expected ',' or ']' at ${at - 1}`);
      }
    }
    if (char === '"') return string();
    const token = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 400))?.[0];
    if (!token) throw new Error(`unexpected text at ${at}`);
    at += token.length;
    return JSON.parse(token) as unknown;
  };
  const string = (): string => {
    if (text[at] !== '"') throw new Error(`expected a string at ${at}`);
    let end = at + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
    const parsed = JSON.parse(text.slice(at, end + 1)) as string;
    at = end + 1;
    return parsed;
  };
  const result = value();
  space();
  if (at !== text.length) throw new Error(`text after the value at ${at}`);
  return result;
}
