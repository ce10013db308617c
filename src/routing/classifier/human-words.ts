/**
 * The human's words a tool result carries in Cline's tags, if its head (600 characters) has them:
 * the first <feedback>, else the first <answer>, else the first <user_message>. One pass over the
 * head's "<"s (tool output is often code, full of them), each compared only with the tags whose
 * first letter follows it.
 */
const HUMAN_TAGS = ["feedback", "answer", "user_message"].map((tag) => ({ open: `<${tag}>`, close: `</${tag}>`, letter: tag.charCodeAt(0) }));
const HUMAN_HEAD = 600;
/** Where each of HUMAN_TAGS first opens in the head, or -1 (reused: one call at a time). */
const humanTagAt = new Int32Array(HUMAN_TAGS.length);
export function humanWordsIn(result: string): string | undefined {
  const head = result.length > HUMAN_HEAD ? result.slice(0, HUMAN_HEAD) : result;
  humanTagAt.fill(-1);
  // Once the preferred tag is found, no later "<" can change the answer.
  for (let at = head.indexOf("<"); at !== -1 && humanTagAt[0] === -1; at = head.indexOf("<", at + 1)) {
    const letter = head.charCodeAt(at + 1);
    for (let tag = 0; tag < HUMAN_TAGS.length; tag++) {
      if (humanTagAt[tag] === -1 && HUMAN_TAGS[tag]!.letter === letter && head.startsWith(HUMAN_TAGS[tag]!.open, at)) humanTagAt[tag] = at;
    }
  }
  const tag = humanTagAt.findIndex((at) => at !== -1);
  if (tag === -1) return undefined;
  const { open: openTag, close: closeTag } = HUMAN_TAGS[tag]!;
  const open = humanTagAt[tag]!;
  const close = result.indexOf(closeTag, open);
  return result.slice(open + openTag.length, close === -1 ? undefined : close);
}
