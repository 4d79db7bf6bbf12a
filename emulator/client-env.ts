import { join } from "node:path";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } from "./world/default-world.js";

/**
 * The environment a user would set to point Quarry (or Claude Code, or the AWS CLI) at this emulator with the
 * default world's identity: endpoint, region, keys, and AWS/Quarry config files inside `home` so nothing from
 * the real machine leaks in. Tests and benchmarks start from this and change what they exercise.
 */
export function emulatorClientEnv(emulatorUrl: string, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    CLAUDE_CODE_USE_BEDROCK: "1",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DEFAULT_SECRET_ACCESS_KEY,
    AWS_ENDPOINT_URL: emulatorUrl,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    // The credential chain must not wait on the instance metadata service when nothing else matches.
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    QUARRY_CONFIG_DIR: join(home, ".quarry"),
    QUARRY_DATA_DIR: join(home, ".quarry-data"),
  };
}
