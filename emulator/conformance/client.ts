import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  BedrockClient,
  GetInferenceProfileCommand,
  type InferenceProfileSummary,
  paginateListInferenceProfiles,
} from "@aws-sdk/client-bedrock";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { RequestLogEntry } from "../http/types.js";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } from "../world/default-world.js";

/**
 * The conformance client: drives a Bedrock endpoint (the emulator, by default one it starts itself) with the
 * unmodified AWS SDK clients and prints one ✓/✗ line per operation. It is the "run something real" command:
 *
 *   npm run conformance                                   # starts its own emulator on a free port
 *   npm run conformance -- --url http://127.0.0.1:4599    # checks a running emulator
 *
 * Exit status: 0 when every check passes, 1 when one fails, 2 for bad arguments.
 */

export interface ConformanceOptions {
  url: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** The emulator's request log, when the caller owns the emulator: lets checks confirm the HTTP version used. */
  log?: RequestLogEntry[];
  /** Per-check time limit in ms. */
  timeoutMs?: number;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** A model ID no Bedrock region knows: the refusal check expects Bedrock's exact answer for it. */
const UNKNOWN_MODEL = "anthropic.claude-conformance-nonexistent-v1:0";
const INVALID_ID = "The provided model identifier is invalid.";

const body = (text: string) =>
  JSON.stringify({
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 64,
    messages: [{ role: "user", content: text }],
  });

/** Runs every check in order; later checks use what earlier ones discovered (the profile to call). */
export async function runConformance(options: ConformanceOptions): Promise<CheckResult[]> {
  const region = options.region ?? "us-east-1";
  const timeoutMs = options.timeoutMs ?? 10_000;
  const credentials = {
    accessKeyId: options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
    secretAccessKey: options.secretAccessKey ?? DEFAULT_SECRET_ACCESS_KEY,
    ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
  };
  const common = { region, endpoint: options.url, credentials, maxAttempts: 2 };
  const sts = new STSClient(common);
  const bedrock = new BedrockClient(common);
  const runtimeH2 = new BedrockRuntimeClient(common);
  const runtimeH1 = new BedrockRuntimeClient({ ...common, requestHandler: new NodeHttpHandler() });
  const results: CheckResult[] = [];
  const state: { profile?: InferenceProfileSummary; backingModel?: string } = {};

  const lastVersion = (): string | undefined => options.log?.[options.log.length - 1]?.httpVersion;
  const expectVersion = (version: "1.1" | "2.0") => {
    const seen = lastVersion();
    if (seen !== undefined && seen !== version)
      throw new Error(`expected HTTP/${version}, the server saw HTTP/${seen}`);
    return seen === undefined ? "" : ` (HTTP/${seen === "2.0" ? "2" : seen})`;
  };

  async function check(name: string, run: (signal: AbortSignal) => Promise<string>): Promise<void> {
    try {
      const detail = await run(AbortSignal.timeout(timeoutMs));
      results.push({ name, ok: true, detail });
    } catch (err) {
      const e = err as Error;
      results.push({ name, ok: false, detail: `${e.name}: ${e.message}` });
    }
  }
  const profileId = (): string => {
    if (!state.profile?.inferenceProfileId)
      throw new Error("no inference profile found (ListInferenceProfiles failed)");
    return state.profile.inferenceProfileId;
  };

  try {
    await check("STS GetCallerIdentity", async (abortSignal) => {
      const out = await sts.send(new GetCallerIdentityCommand({}), { abortSignal });
      if (!out.Arn || !out.Account) throw new Error("no Arn/Account in the answer");
      return `${out.Arn} (account ${out.Account})`;
    });

    await check("ListInferenceProfiles (SYSTEM_DEFINED, paginated)", async () => {
      const all: InferenceProfileSummary[] = [];
      let pages = 0;
      for await (const page of paginateListInferenceProfiles(
        { client: bedrock },
        { typeEquals: "SYSTEM_DEFINED" },
      )) {
        pages++;
        all.push(...(page.inferenceProfileSummaries ?? []));
        if (pages > 100) throw new Error("pagination did not terminate after 100 pages");
      }
      const anthropic = all.filter((p) => p.inferenceProfileId?.includes("anthropic"));
      // Prefer the region's own geography (us./eu./…) over global., and Sonnet 4.5 when present.
      const local = anthropic.filter((p) => !p.inferenceProfileId!.startsWith("global."));
      const pool = local.length > 0 ? local : anthropic;
      state.profile = pool.find((p) => p.inferenceProfileId!.includes("claude-sonnet-4-5")) ?? pool[0];
      if (!state.profile) throw new Error(`no Anthropic profile among ${all.length}`);
      return `${all.length} profiles in ${pages} page(s); using ${profileId()}`;
    });

    await check("GetInferenceProfile", async (abortSignal) => {
      const out = await bedrock.send(
        new GetInferenceProfileCommand({ inferenceProfileIdentifier: profileId() }),
        { abortSignal },
      );
      const arn = out.models?.[0]?.modelArn;
      if (!arn) throw new Error("models[0].modelArn missing");
      state.backingModel = arn.slice(arn.lastIndexOf("/") + 1);
      return `backed by ${state.backingModel}`;
    });

    await check("InvokeModel (HTTP/2)", async (abortSignal) => {
      const out = await runtimeH2.send(
        new InvokeModelCommand({ modelId: profileId(), body: body("Say hello.") }),
        {
          abortSignal,
        },
      );
      const message = JSON.parse(out.body.transformToString()) as {
        content?: { text?: string }[];
        stop_reason?: string;
      };
      const version = expectVersion("2.0");
      return `${message.stop_reason}: ${JSON.stringify(message.content?.[0]?.text ?? "").slice(0, 60)}${version}`;
    });

    for (const [label, client, version] of [
      ["HTTP/2", runtimeH2, "2.0"],
      ["HTTP/1.1", runtimeH1, "1.1"],
    ] as const) {
      await check(`InvokeModelWithResponseStream (${label})`, async (abortSignal) => {
        const out = await client.send(
          new InvokeModelWithResponseStreamCommand({ modelId: profileId(), body: body("Stream a hello.") }),
          { abortSignal },
        );
        const types: string[] = [];
        let metrics: unknown;
        for await (const event of out.body ?? []) {
          const parsed = JSON.parse(Buffer.from(event.chunk?.bytes ?? new Uint8Array()).toString("utf8"));
          types.push(parsed.type);
          if (parsed.type === "message_stop") metrics = parsed["amazon-bedrock-invocationMetrics"];
        }
        if (types[0] !== "message_start" || types.at(-1) !== "message_stop") {
          throw new Error(`unexpected event sequence: ${types.join(", ")}`);
        }
        if (!metrics) throw new Error("message_stop without amazon-bedrock-invocationMetrics");
        return `${types.length} events, message_stop with invocation metrics${expectVersion(version)}`;
      });
    }

    await check("Converse", async (abortSignal) => {
      const out = await runtimeH2.send(
        new ConverseCommand({
          modelId: profileId(),
          messages: [{ role: "user", content: [{ text: "Say hello." }] }],
        }),
        { abortSignal },
      );
      if (!out.output?.message || !out.usage?.totalTokens)
        throw new Error("no message or usage in the answer");
      return `${out.stopReason}, ${out.usage.totalTokens} tokens`;
    });

    await check("ConverseStream", async (abortSignal) => {
      const out = await runtimeH2.send(
        new ConverseStreamCommand({
          modelId: profileId(),
          messages: [{ role: "user", content: [{ text: "Say hello." }] }],
        }),
        { abortSignal },
      );
      let text = "";
      let stop: string | undefined;
      for await (const event of out.stream ?? []) {
        text += event.contentBlockDelta?.delta?.text ?? "";
        stop = event.messageStop?.stopReason ?? stop;
      }
      if (!stop) throw new Error("no messageStop event");
      return `${stop}: ${JSON.stringify(text).slice(0, 60)}`;
    });

    await check("CountTokens", async (abortSignal) => {
      if (!state.backingModel) throw new Error("no backing model (GetInferenceProfile failed)");
      const out = await runtimeH2.send(
        new CountTokensCommand({
          modelId: state.backingModel,
          input: { invokeModel: { body: new TextEncoder().encode(body("How many tokens is this?")) } },
        }),
        { abortSignal },
      );
      if (!out.inputTokens) throw new Error("no inputTokens");
      return `${out.inputTokens} input tokens`;
    });

    await check("Refusal: unknown model ID", async (abortSignal) => {
      try {
        await runtimeH2.send(new InvokeModelCommand({ modelId: UNKNOWN_MODEL, body: body("x") }), {
          abortSignal,
        });
      } catch (err) {
        const e = err as Error & { $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode;
        if (e.name === "ValidationException" && status === 400 && e.message === INVALID_ID) {
          return `400 ValidationException "${e.message}"`;
        }
        throw new Error(
          `expected 400 ValidationException "${INVALID_ID}", got ${status} ${e.name} "${e.message}"`,
        );
      }
      throw new Error("the unknown model was served");
    });
  } finally {
    for (const c of [sts, bedrock, runtimeH2, runtimeH1]) c.destroy();
  }
  return results;
}

/** Formats results as the check list the command prints. */
export function formatResults(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => `  ${r.ok ? "✓" : "✗"} ${r.name.padEnd(width)}  ${r.detail}`);
  const passed = results.filter((r) => r.ok).length;
  lines.push("", `${passed}/${results.length} checks passed`);
  return `${lines.join("\n")}\n`;
}

/** The command: parses flags, starts an emulator when no --url is given, prints the check list. */
export async function main(
  argv: string[],
  out: { write(s: string): unknown } = process.stdout,
  err: { write(s: string): unknown } = process.stderr,
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        region: { type: "string" },
        "access-key-id": { type: "string" },
        "secret-access-key": { type: "string" },
        "session-token": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    err.write(`quarry-conformance: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    out.write(
      "usage: quarry-conformance [--url URL] [--region R] [--access-key-id K --secret-access-key S [--session-token T]]\n" +
        "  Without --url, starts the built-in emulator (default world) on a free port and checks it.\n",
    );
    return 0;
  }
  let url = values.url as string | undefined;
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) {
    err.write(`quarry-conformance: --url must be an http(s) URL (got "${url}")\n`);
    return 2;
  }
  let stop: (() => Promise<void>) | undefined;
  let log: RequestLogEntry[] | undefined;
  if (url === undefined) {
    // Imported lazily so `--url` runs do not load the emulator at all.
    const { startEmulator } = await import("../http/server.js");
    const emulator = await startEmulator({ port: 0 });
    url = emulator.url;
    log = emulator.log;
    stop = () => emulator.close();
  }
  try {
    const region = (values.region as string | undefined) ?? "us-east-1";
    out.write(`Bedrock conformance against ${url} (${region}${stop ? ", built-in emulator" : ""})\n`);
    const results = await runConformance({
      url,
      region,
      accessKeyId: values["access-key-id"] as string | undefined,
      secretAccessKey: values["secret-access-key"] as string | undefined,
      sessionToken: values["session-token"] as string | undefined,
      log,
    });
    out.write(formatResults(results));
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    await stop?.();
  }
}

// Run directly (node dist/emulator/conformance/client.js), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
