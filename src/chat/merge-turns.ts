/**
 * Consecutive turns of one role as one turn, for upstreams that want strict user/assistant
 * alternation (Anthropic) or all answers to one turn's tool calls together (Gemini). A turn
 * without parts is left out first, so the turns on either side of it can merge. Parts keep their
 * order; the input is not changed.
 */
export interface Turn<Role extends string, Part> {
  role: Role;
  parts: Part[];
}

export function mergeSameRoleTurns<Role extends string, Part>(turns: Iterable<Turn<Role, Part>>): Array<Turn<Role, Part>> {
  const merged: Array<Turn<Role, Part>> = [];
  for (const turn of turns) {
    if (turn.parts.length === 0) continue;
    const last = merged.at(-1);
    if (last?.role === turn.role) last.parts.push(...turn.parts);
    else merged.push({ role: turn.role, parts: [...turn.parts] });
  }
  return merged;
}
