/** The emulator's public surface for tests, benchmarks and the CLI. */
export { startEmulator, type RunningEmulator, type StartEmulatorOptions } from "./http/server.js";
export type { RequestLogEntry } from "./http/types.js";
export type { World, WorldInput } from "./world/schema.js";
export {
  defaultWorld,
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_SECRET_ACCESS_KEY,
  DEFAULT_BEARER_TOKEN,
  DEFAULT_ACCOUNT_ID,
} from "./world/default-world.js";
export { parseWorld, loadWorldFile, WorldError } from "./world/load.js";
