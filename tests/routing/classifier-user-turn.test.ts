import { describe, expect, test } from "bun:test";
import type { ChatMessage } from "../../src/chat/request-schema";
import { firstTextPart, humanWords, quickToolResultTurn, splitUserTurn, textParts } from "../../src/routing/classifier/split-user-turn";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";
import { referenceQuickToolResultTurn, referenceSplitUserTurn } from "./reference/split-user-turn-reference";

/**
 * splitUserTurn skips its tag searches (blocks, <user_query>, Cline's wrappers) for words without a
 * "<". Every user turn of every labelled and blind evaluation case, and edge cases, must split into
 * exactly the same human words, context, tool output and counts as before (tests/routing/reference/).
 */
type Content = ChatMessage["content"];
const contents: Content[] = [];
for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "b", "c", "d", "e", "f", "g"])]) {
  for (const message of (entry.request as { messages: Array<{ role: string; content: Content }> }).messages) contents.push(message.content);
}
contents.push(
  "",
  "plain words, no tags at all",
  "  padded plain words  ",
  "a < b and c > d",
  "<task>fix it</task>",
  "<task>fix <b>it</b></task> <feedback>no</feedback>",
  "<user_query>only this</user_query> and not this",
  "before <system-reminder>x</system-reminder> after",
  "<environment_details>\nfiles\n</environment_details>",
  "<additional_data>ctx</additional_data> ask <file_content path=\"a.ts\">code</file_content>",
  "<system-reminder unclosed",
  "Instruction: rename x to y\ncode here",
  "The user's request is: \"make it faster\"\n<code>",
  [{ type: "text", text: "no tags" }, { type: "text", text: "<task>with tags</task>" }],
  [{ type: "text", text: "[execute_command for 'npm test'] Result:" }, { type: "text", text: "<feedback>stop</feedback> FAIL" }],
  [{ type: "image_url" }, { type: "text", text: "after an image" }] as unknown as Content,
  null,
);
// A part's head is read past its leading white space, within its first length + 40 characters
// (120 for the prefixes, 600 for Cline's header): prefixes just inside and just outside that window.
for (const spaces of [0, 1, 39, 40, 41, 80, 120, 121, 137, 138, 143, 144, 157, 158, 160, 161, 600, 601, 623, 624, 640, 641]) {
  for (const space of [" ", "\n", "\u00a0", "\u2028"]) {
    const pad = space.repeat(spaces);
    contents.push(
      `${pad}<system-reminder>x</system-reminder>`,
      `${pad}<environment_details>\nfiles\n</environment_details> then words`,
      `${pad}[ERROR] You did not use a tool in your previous response`,
      `${pad}I have *added these files to the chat* a.ts`,
      [{ type: "text", text: `${pad}[execute_command for 'npm test'] Result:` }, { type: "text", text: "FAIL" }],
      [{ type: "text", text: "ask" }, { type: "text", text: `${pad}\`\`\`ts\ncode\n\`\`\`` }],
    );
  }
}

describe("the tuned user-turn split agrees with the untuned one", () => {
  test(`same split of ${contents.length} message contents, with and without tool output`, () => {
    expect(contents.length).toBeGreaterThan(3000);
    let human = 0;
    for (const content of contents) {
      for (const keep of [true, false]) {
        const expected = referenceSplitUserTurn(content, keep);
        // `words` is the tuned split's own: what `human.trim()` gives, when known without reading `human`.
        const { words, ...turn } = splitUserTurn(content, keep);
        expect(turn).toEqual(expected);
        expect(humanWords({ ...turn, words })).toBe(expected.human.trim());
        if (expected.human.trim() !== "") human++;
      }
      const quick = quickToolResultTurn(content);
      const expectedQuick = referenceQuickToolResultTurn(content);
      if (quick && expectedQuick) {
        const { words, ...turn } = quick;
        expect(turn).toEqual(expectedQuick);
        expect(humanWords({ ...turn, words })).toBe(expectedQuick.human.trim());
      } else expect(quick).toEqual(expectedQuick);
      expect(firstTextPart(content)).toBe(textParts(content)[0] ?? "");
    }
    expect(human).toBeGreaterThan(1000);
  });
});
