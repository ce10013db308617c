import type { Stage } from "./context";

/** Route stage, first cut: the client's model name resolved onto one provider's model. */
export const resolveModel: Stage = async (context, deps) => {
  const candidate = deps.directory.resolve(context.request.model);
  context.route = { candidates: [candidate], reason: `requested ${context.request.model}` };
  return undefined;
};
