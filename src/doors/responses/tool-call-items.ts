import type { ToolCallDelta } from "../../chat/types";
import { itemId } from "./response-object";
import type { CustomToolCallItem, FunctionCallItem, ItemStatus, ResponsesEvent } from "./responses-wire";
import type { ToolNames } from "./tool-names";

/**
 * One tool call of the answer as a Responses output item. A call of a function tool is a
 * `function_call` whose arguments stream as response.function_call_arguments.delta; a call of a
 * custom tool is a `custom_tool_call` whose `input` is the string the model put in its one
 * argument, sent whole when the call ends (the JSON around it must be complete to be read).
 * Both carry the tool's own name and namespace (tool-names.ts); the call id is the internal one.
 */
export interface ToolCallState {
  item: FunctionCallItem | CustomToolCallItem;
  index: number;
  arguments: string;
  closed: boolean;
}

export function openToolCall(delta: ToolCallDelta, names: ToolNames, push: (item: FunctionCallItem | CustomToolCallItem) => number): ToolCallState {
  const tool = names.clientTool(delta.function?.name ?? "");
  const callId = delta.id || itemId("call");
  const namespace = tool.namespace ? { namespace: tool.namespace } : {};
  const item: FunctionCallItem | CustomToolCallItem =
    tool.kind === "custom"
      ? { id: itemId("ctc"), type: "custom_tool_call", status: "in_progress", call_id: callId, name: tool.name, ...namespace, input: "" }
      : { id: itemId("fc"), type: "function_call", status: "in_progress", call_id: callId, name: tool.name, ...namespace, arguments: "" };
  return { item, index: push(item), arguments: "", closed: false };
}

/** The free-form input of a custom tool call: the `input` string of its arguments, or the arguments as they came. */
function customInput(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const input = (parsed as { input?: unknown } | null)?.input;
    if (typeof input === "string") return input;
  } catch {
    // Not the JSON object asked for: the model's text is the input.
  }
  return text;
}

export function closeToolCall(state: ToolCallState, status: ItemStatus, emit: (event: ResponsesEvent) => void): void {
  if (state.closed) return;
  state.closed = true;
  const where = { item_id: state.item.id, output_index: state.index };
  if (state.item.type === "function_call") {
    state.item.arguments = state.arguments;
    emit({ type: "response.function_call_arguments.done", ...where, name: state.item.name, arguments: state.arguments });
  } else {
    const input = customInput(state.arguments);
    state.item.input = input;
    if (input !== "") emit({ type: "response.custom_tool_call_input.delta", ...where, delta: input });
    emit({ type: "response.custom_tool_call_input.done", ...where, input });
  }
  state.item.status = status;
  emit({ type: "response.output_item.done", ...where, item: state.item });
}
