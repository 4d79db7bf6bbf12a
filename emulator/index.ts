/** The emulator's public surface for tests, benchmarks and the CLI. */
export { emulatorClientEnv } from "./client-env.js";
export { type RunningEmulator, type StartEmulatorOptions, startEmulator } from "./http/server.js";
export type { RequestLogEntry } from "./http/types.js";
export {
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_BEARER_TOKEN,
  DEFAULT_SECRET_ACCESS_KEY,
  defaultWorld,
  multiFamilyWorld,
} from "./world/default-world.js";
export { loadWorldFile, parseWorld, WorldError } from "./world/load.js";
export type { World, WorldInput } from "./world/schema.js";
