import type { InvocationTarget } from "../http/types.js";
import type { Fault } from "../world/schema.js";
import type { LatencySettings } from "./delivery.js";
import type { Reply, StreamTiming } from "./types.js";

/** Everything an operation's renderer needs about one answered call. */
export interface PreparedTurn {
  reply: Reply;
  /** The delivery fault still to apply (http and non-stream exceptions were already thrown). */
  fault: Fault | undefined;
  target: InvocationTarget;
  requestId: string;
  latency: LatencySettings;
  timing: StreamTiming;
}
