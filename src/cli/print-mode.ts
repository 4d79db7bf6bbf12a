import { readFileSync } from "node:fs";
import { expandForSession } from "../commands/index.js";
import { DenialReporter } from "../headless/denials.js";
import { headlessFlagError, isHeadlessFormat, runHeadless } from "../headless/run.js";
import { QuarryError } from "../model/errors.js";
import type { EventOf } from "../protocol/events.js";
import { isUsageError } from "../runtime/errors.js";
import { openSession } from "../runtime/session.js";
import { createSessionSecrets } from "../secrets/index.js";
import { type OutputFormat, PrintRenderer } from "../ui/print.js";
import type { PrintOptions } from "./options.js";
import { sessionConfigFromFlags } from "./session-flags.js";

const FORMATS: OutputFormat[] = ["text", "json", "stream-json", "quarry-events"];

/**
 * `quarry -p`: answers one prompt non-interactively. Exit codes: 0 success, 1 an error during the run,
 * 2 usage or configuration error. Anything that would need a permission prompt is denied and the model told.
 */
export async function runPrintMode(promptWords: string[], options: PrintOptions): Promise<number> {
  const format = (options.outputFormat ?? "text") as OutputFormat;
  if (!FORMATS.includes(format)) {
    process.stderr.write(`quarry: --output-format must be one of ${FORMATS.join(", ")} (got "${format}")\n`);
    return 2;
  }
  const headless = isHeadlessFormat(format, options);
  const flagError = headless ? headlessFlagError(format, options) : undefined;
  if (flagError) {
    process.stderr.write(`${flagError}\n`);
    return 1;
  }
  // With stream-json input, stdin carries the messages (docs/headless.md), not one prompt.
  const streamInput = options.inputFormat === "stream-json";
  let prompt = promptWords.join(" ").trim();
  if (!streamInput && (!prompt || prompt === "-"))
    prompt = process.stdin.isTTY ? "" : readFileSync(0, "utf8").trim();
  if (!prompt && !streamInput) {
    process.stderr.write(
      'quarry: print mode needs a prompt: quarry -p "your request" (or pipe it on stdin)\n',
    );
    return 2;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  const simulation = options.simulate
    ? await (await import("./simulate.js")).startSimulation(process.env)
    : undefined;
  // One registry for the session and for everything this command prints, errors included.
  const secrets = await createSessionSecrets({ env: simulation?.env });
  const stderr = { write: (s: string) => process.stderr.write(secrets.scrub(s)) };
  const renderer = new PrintRenderer(format, { stdout: process.stdout, stderr: process.stderr }, secrets);
  try {
    if (simulation) stderr.write(`quarry: ${simulation.banner}\n`);
    const flags = simulation ? { ...options, model: undefined, region: undefined } : options;
    if (headless) {
      const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
      return await runHeadless(prompt, flags, {
        ...io,
        env: simulation?.env,
        signal: controller.signal,
        secrets,
      });
    }
    const denials = new DenialReporter(stderr);
    // No title call: `-p` prints the answer and exits, and nobody browses its transcript by title.
    const config = {
      ...sessionConfigFromFlags(flags, { cwd: process.cwd(), env: simulation?.env }),
      title: false,
    };
    const session = await openSession(config, { signal: controller.signal, secrets });
    renderer.handle(session.start());
    // `/name args` becomes the custom command's text before anything is sent (docs/extensibility.md).
    prompt = await expandForSession(session, prompt, {
      cwd: config.cwd,
      env: config.env ?? process.env,
      trustProject: config.trustProject,
      signal: controller.signal,
    }).catch(async (err: unknown) => {
      await session.close();
      throw err;
    });
    for (const w of session.warnings) renderer.handle(session.publish({ type: "warning", message: w }));
    let done: EventOf<"done"> | undefined;
    for await (const event of session.run(prompt)) {
      renderer.handle(event);
      denials.handle(event);
      if (event.type === "done") done = event;
    }
    denials.finish();
    await session.close();
    return done?.reason === "end_turn" || done?.reason === "max_turns" ? 0 : 1;
  } catch (err) {
    if (isUsageError(err)) {
      stderr.write(`quarry: ${err.message}\n`);
      if (err.fix) stderr.write(`  Fix: ${err.fix}\n`);
      return 2;
    }
    if (err instanceof QuarryError) {
      stderr.write(`quarry: ${err.render()}\n`);
      // Configuration problems found before any model call (no region, bad model ID) are usage errors.
      return ["no-region", "region-profile-mismatch", "invalid-model-id"].includes(err.kind) ? 2 : 1;
    }
    stderr.write(`quarry: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSigint);
    await simulation?.close();
  }
}
