import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The demo's output file: created in the current directory only if the user allows the write. */
export const DEMO_FILE = "QUARRY-DEMO.md";

const DEMO_NOTE = `# Quarry demo

This file was written by Quarry's simulated model (\`quarry --simulate\`), through the real Write tool,
after you allowed it. Nothing was sent to AWS: the model was the built-in Bedrock emulator.

Next: run \`quarry doctor\` to check your AWS region, credentials and model access, then run Quarry for real.
`;

export interface Simulation {
  /** The environment Quarry uses for this run: the emulator's endpoint and its example credentials. */
  env: NodeJS.ProcessEnv;
  banner: string;
  close(): Promise<void>;
}

/**
 * Starts the built-in Bedrock emulator with a scripted demo model that does a small real task in the current
 * directory: it lists the files, writes QUARRY-DEMO.md (asking permission as usual), and reports. The rest of
 * Quarry runs unchanged — settings, resolver, credentials chain, provider, tools, permissions, transcript.
 */
export async function startSimulation(baseEnv: NodeJS.ProcessEnv): Promise<Simulation> {
  const { startEmulator, defaultWorld, DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } = await import(
    "../../emulator/index.js"
  );
  const world = defaultWorld();
  world.script = [
    {
      model: "sonnet",
      turn: 1,
      reply: {
        content: [
          { type: "text", text: "Let me look at this directory first." },
          { type: "tool_use", name: "LS", input: { path: "." } },
        ],
      },
    },
    {
      model: "sonnet",
      turn: 2,
      reply: {
        content: [
          { type: "text", text: `Now I'll write a short note to ${DEMO_FILE}.` },
          { type: "tool_use", name: "Write", input: { file_path: DEMO_FILE, content: DEMO_NOTE } },
        ],
      },
    },
    {
      model: "sonnet",
      turn: 3,
      reply: {
        content: [
          {
            type: "text",
            text: `Simulation finished. I listed this directory and asked to write ${DEMO_FILE} (it exists only if you allowed the write). This answer came from Quarry's built-in Bedrock emulator, not a real model. Run \`quarry doctor\` to set up AWS, then run Quarry for real.`,
          },
        ],
      },
    },
  ];
  const emulator = await startEmulator({ world });
  // A scratch home so the user's own AWS profile, settings and model pins cannot leak into the demo.
  const home = mkdtempSync(join(tmpdir(), "quarry-simulate-"));
  const env: NodeJS.ProcessEnv = {
    PATH: baseEnv.PATH,
    HOME: baseEnv.HOME,
    TERM: baseEnv.TERM,
    NO_COLOR: baseEnv.NO_COLOR,
    QUARRY_DATA_DIR: baseEnv.QUARRY_DATA_DIR,
    CLAUDE_CODE_USE_BEDROCK: "1",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL: emulator.url,
    AWS_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DEFAULT_SECRET_ACCESS_KEY,
    AWS_CONFIG_FILE: join(home, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    QUARRY_CONFIG_DIR: join(home, "config"),
    CLAUDE_CONFIG_DIR: join(home, "claude"),
  };
  // The AWS SDK's credential chain reads process.env; in a simulation this process talks only to the emulator.
  for (const key of Object.keys(process.env)) {
    if (key === "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED") continue;
    if (key.startsWith("AWS_") || key.startsWith("ANTHROPIC_") || key.startsWith("CLAUDE_CODE_"))
      delete process.env[key];
  }
  Object.assign(process.env, env);
  return {
    env,
    banner: `SIMULATION: Quarry is talking to its built-in Bedrock emulator (${emulator.url}) with a scripted demo model. Nothing is sent to AWS.`,
    close: () => emulator.close(),
  };
}
