import { completionToChunks, localCompletion } from "../../chat/local-completion";
import { modelKey } from "../../catalog/model-key";
import { type ChatMessage, messageText } from "../../chat/request-schema";
import { isFeedbackCommand, parseFeedbackCommand } from "../../feedback/parse-feedback-command";
import type { Stage } from "../context";

/**
 * A chat request whose latest user turn is `/feedback …` (or `/rate …`) is answered by the proxy
 * itself: the rating goes to the previous answered task of the same conversation, and the reply
 * (a normal completion or stream) says what was recorded — or why nothing was.
 */
export const feedbackIntercept: Stage = async (context, deps) => {
  const text = typedText(context.request.messages);
  if (text === undefined || !isFeedbackCommand(text)) return undefined;

  context.localAnswer = { provider: "proxy", model: "feedback" };
  const reply = await feedbackReply(text, context.sessionKey, deps);
  const completion = localCompletion("feedback", reply);
  return context.request.stream ? { kind: "stream", chunks: completionToChunks(completion) } : { kind: "completion", completion };
};

/**
 * What the human typed last: the latest user turn, past system turns a client appends after it
 * (Claude Code), as its whole text or, where that is not the command, its last text part (Claude
 * Code puts <system-reminder> blocks before the typed line). None when the latest turn is the
 * model's or a tool result.
 */
function typedText(messages: readonly ChatMessage[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === "system" || message.role === "developer") continue;
    if (message.role !== "user") return undefined;
    const whole = messageText(message.content);
    if (isFeedbackCommand(whole) || !Array.isArray(message.content)) return whole;
    const last = message.content.at(-1);
    return last?.type === "text" && typeof last.text === "string" ? last.text : whole;
  }
  return undefined;
}

async function feedbackReply(text: string, sessionKey: string, deps: Parameters<Stage>[1]): Promise<string> {
  const command = parseFeedbackCommand(text);
  if (!command.ok) return `Nothing was recorded. ${command.message}`;
  const target = await deps.feedback.latestTask(sessionKey);
  if (!target) {
    return (
      "Nothing was recorded: this conversation has no earlier answer to rate. The proxy links /feedback to the " +
      "previous answer of the same conversation (by the x-session-id header, the `user` field, or the conversation's " +
      "opening messages); POST /v1/feedback with a task_id (from the x-task-id header) rates any answer."
    );
  }
  if (target.status !== 200) {
    const why = target.errorType ? `${target.status}, ${target.errorType}` : String(target.status);
    return (
      `Nothing was recorded: the previous request of this conversation (task ${target.taskId}) got no answer (status ${why}), ` +
      "so there is nothing to rate. POST /v1/feedback with a task_id (from the x-task-id header) rates any earlier answer."
    );
  }
  const result = await deps.feedback.submit(target.taskId, command.rating, command.comment, "chat");
  if (!result.ok) return `Nothing was recorded: ${result.reason}`;
  const verdict = command.rating > 0 ? "good (+1)" : "bad (-1)";
  const comment = result.comment ? ` with the comment "${result.comment}"` : "";
  return `Thanks, recorded ${verdict}${comment} for the previous answer (task ${target.taskId}, ${modelKey(result.target.provider, result.target.model)}). The router uses it to pick models for similar tasks.`;
}
