import { formatPath, type JsonPath, withValue } from "./json-paths";
import { jsonPost, type MalformedRequest } from "./types";

/**
 * Door-independent ways to break a request to a JSON endpoint, built from a valid body: the door
 * says what the body looks like and which of its fields take which JSON kinds; everything else
 * follows.
 */
export type JsonKind = "string" | "number" | "integer" | "boolean" | "null" | "array" | "object";

export interface FieldSpec {
  path: JsonPath;
  /** The kinds the field accepts. A field that takes only some strings (an enum) lists no "string": any other string is wrong too. */
  accepts: readonly JsonKind[];
}

/** One wrong value of each kind, and which kinds it also counts as. */
const wrongValues: Array<{ value: unknown; kinds: JsonKind[] }> = [
  { value: "wrong", kinds: ["string"] },
  { value: 1.5, kinds: ["number"] },
  { value: 3, kinds: ["number", "integer"] },
  { value: -7, kinds: ["number", "integer"] },
  { value: true, kinds: ["boolean"] },
  { value: null, kinds: ["null"] },
  { value: [], kinds: ["array"] },
  { value: [1, "two"], kinds: ["array"] },
  { value: {}, kinds: ["object"] },
  { value: { unexpected: true }, kinds: ["object"] },
];

/** Every field replaced by every value of a kind it does not accept. */
export function wrongTypes(path: string, base: unknown, fields: readonly FieldSpec[]): MalformedRequest[] {
  return fields.flatMap((field) =>
    wrongValues
      .filter(({ kinds }) => !kinds.some((kind) => field.accepts.includes(kind)))
      .map(({ value }) => jsonPost(`${formatPath(field.path)} = ${JSON.stringify(value)}`, path, JSON.stringify(withValue(base, field.path, value)))),
  );
}

/** Each required field left out. */
export function missingFields(path: string, base: unknown, required: readonly JsonPath[]): MalformedRequest[] {
  return required.map((field) => jsonPost(`without ${formatPath(field)}`, path, JSON.stringify(withValue(base, field, undefined))));
}

/** Text that is not JSON: the valid body cut at every `step`th character, and classic mistakes. */
export function badJson(path: string, baseText: string, step: number): MalformedRequest[] {
  const cuts: MalformedRequest[] = [];
  for (let length = 0; length < baseText.length; length += step) cuts.push(jsonPost(`cut at ${length}`, path, baseText.slice(0, length)));
  const inner = baseText.slice(1, -1);
  const mistakes: Record<string, string> = {
    "whitespace only": "   \n ",
    "a lone brace": "{",
    "a closing brace": "}",
    "trailing garbage": `${baseText}x`,
    "two documents": `${baseText}${baseText}`,
    "an extra closing brace": `${baseText}}`,
    "a trailing comma": `{${inner},}`,
    "single quotes": `{${inner}}`.replaceAll('"', "'"),
    "unquoted keys": `{${inner}}`.replace(/"(\w+)":/g, "$1:"),
    "a comment": `/* note */${baseText}`,
    NaN: `{"model":NaN,${inner}}`,
    Infinity: `{"temperature":Infinity,${inner}}`,
    "a raw control character in a string": `{"user":"a\u0001b",${inner}}`,
    "a raw newline in a string": `{"user":"a\nb",${inner}}`,
    "a bad escape": `{"user":"a\\xb",${inner}}`,
    "a bad unicode escape": `{"user":"\\uZZZZ",${inner}}`,
    "a number with a leading zero": `{"seed":012,${inner}}`,
    "a hex number": `{"seed":0x10,${inner}}`,
    "an unterminated string": `{"user":"abc,${inner}}`,
    "a missing colon": `{"user" "abc",${inner}}`,
    "a missing comma": `{"user":"abc" ${inner}}`,
    "undefined": `{"user":undefined,${inner}}`,
    "a JSON5 string": `{"user":'abc',${inner}}`,
  };
  return [...cuts, ...Object.entries(mistakes).map(([name, text]) => jsonPost(name, path, text))];
}

/** JSON that parses but is no request object. */
export function notAnObject(path: string): MalformedRequest[] {
  return ["null", "true", "false", "0", "-1.5", '"a string"', "[]", "[{}]", "[null]", '["model"]'].map((text) => jsonPost(`the JSON value ${text}`, path, text));
}

/** Bytes that are not UTF-8, put inside a string value, between tokens, at the start and at the end. */
export function badUtf8(path: string, baseText: string): MalformedRequest[] {
  const sequences: Record<string, number[]> = {
    "0xff": [0xff],
    "0xfe 0xff": [0xfe, 0xff],
    "a lone continuation byte": [0x80],
    "a truncated two-byte sequence": [0xc3, 0x28],
    "a truncated three-byte sequence": [0xe2, 0x82],
    "an overlong slash": [0xc0, 0xaf],
    "an encoded surrogate": [0xed, 0xa0, 0x80],
    "a code point over U+10FFFF": [0xf4, 0x90, 0x80, 0x80],
    "a five-byte lead": [0xf8, 0x88, 0x80, 0x80, 0x80],
  };
  const text = new TextEncoder().encode(baseText);
  const insideString = baseText.indexOf('"', baseText.indexOf(":") + 1) + 2;
  const positions: Record<string, number> = { "in the first string value": insideString, "between tokens": 1, "at the start": 0, "at the end": text.length };
  return Object.entries(sequences).flatMap(([sequenceName, bytes]) =>
    Object.entries(positions).map(([where, at]) =>
      jsonPost(`${sequenceName} ${where}`, path, new Uint8Array([...text.subarray(0, at), ...bytes, ...text.subarray(at)])),
    ),
  );
}

/** Arrays and objects nested past any sane depth, at each given place in the body. */
export function deepNesting(path: string, base: unknown, places: readonly JsonPath[]): MalformedRequest[] {
  const depths = [129, 1_000, 100_000];
  const marker = "__deep__";
  return places.flatMap((place) =>
    depths.flatMap((depth) => {
      const text = JSON.stringify(withValue(base, place, marker));
      const arrays = "[".repeat(depth) + "]".repeat(depth);
      const objects = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
      return [
        jsonPost(`${depth} nested arrays at ${formatPath(place)}`, path, text.replace(`"${marker}"`, arrays)),
        jsonPost(`${depth} nested objects at ${formatPath(place)}`, path, text.replace(`"${marker}"`, objects)),
      ];
    }),
  );
}

/** Bodies over the limit: declared or chunked, one byte over and megabytes over. */
export function oversized(path: string, base: unknown, field: JsonPath, maxBodyBytes: number): MalformedRequest[] {
  const shell = JSON.stringify(withValue(base, field, "")).length;
  return [1, 64 * 1024, 2 * 1024 * 1024].flatMap((over) => {
    const body = JSON.stringify(withValue(base, field, "x".repeat(maxBodyBytes - shell + over)));
    return [
      { ...jsonPost(`${over} bytes over the limit`, path, body) },
      { ...jsonPost(`${over} bytes over the limit, chunked`, path, body), chunked: true },
    ];
  });
}

/** The body sent as something else than JSON. */
export function wrongContentTypes(path: string, baseText: string): MalformedRequest[] {
  const types = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/octet-stream", "text/html"];
  return [
    { name: "no content type", method: "POST", path, headers: {}, body: baseText },
    ...types.map((type) => ({ name: `content type ${type}`, method: "POST", path, headers: { "content-type": type }, body: baseText })),
  ];
}

/** Each endpoint with the methods it does not take, and paths under the door's prefix that do not exist. */
export function wrongRoutes(endpoints: ReadonlyArray<{ method: string; path: string }>, unknownPaths: readonly string[]): MalformedRequest[] {
  const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  const wrongMethods = endpoints.flatMap((endpoint): MalformedRequest[] =>
    methods
      .filter((method) => !endpoints.some((other) => other.path === endpoint.path && other.method === method))
      .map((method) => ({
        name: `${method} ${endpoint.path}`,
        method,
        path: endpoint.path,
        headers: { "content-type": "application/json" },
        body: method === "GET" ? undefined : "{}",
      })),
  );
  const unknown = unknownPaths.flatMap((path): MalformedRequest[] => [
    { name: `GET ${path}`, method: "GET", path, headers: {} },
    { name: `POST ${path}`, method: "POST", path, headers: { "content-type": "application/json" }, body: "{}" },
  ]);
  return [...wrongMethods, ...unknown];
}
