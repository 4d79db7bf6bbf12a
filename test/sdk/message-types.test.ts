// The SDK's plain message types (src/sdk/messages.ts) against the zod schema the headless protocol is
// validated with: assignable both ways, checked by `tsc` (npm test's typecheck step), so neither can change
// alone. The runtime part checks the exported validator with a line shaped as Quarry prints it.
import { describe, expect, expectTypeOf, it } from "vitest";
import type { ClaudeMessage, ResultLine } from "../../src/headless/schema.js";
import { SDKMessageSchema } from "../../src/sdk/index.js";
import type { SDKMessage, SDKResultMessage } from "../../src/sdk/messages.js";

describe("the SDK's declared message types", () => {
  it("are the headless schema's types, both ways", () => {
    expectTypeOf<SDKMessage>().toExtend<ClaudeMessage>();
    expectTypeOf<ClaudeMessage>().toExtend<SDKMessage>();
    expectTypeOf<SDKResultMessage>().toExtend<ResultLine>();
    expectTypeOf<ResultLine>().toExtend<SDKResultMessage>();
    const line: SDKMessage = {
      type: "result",
      subtype: "success",
      is_error: false,
      result: "done",
      session_id: "s-1",
      uuid: "6f1c1d1e-5b8a-4a52-9a38-0e1f2d3c4b5a",
      duration_ms: 10,
      duration_api_ms: 8,
      num_turns: 1,
      total_cost_usd: 0,
      usage: {
        input_tokens: 1,
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
      modelUsage: {},
      permission_denials: [],
      stop_reason: "end_turn",
    };
    const zodSide: ClaudeMessage = line;
    expect(SDKMessageSchema.parse(zodSide)).toEqual(line);
    const bad = SDKMessageSchema.safeParse({ ...line, num_turns: -1 });
    expect(bad.success).toBe(false);
  });
});
