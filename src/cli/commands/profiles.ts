import type { Command } from "commander";

const collect = (value: string, previous: string[]) => [...previous, value];

async function connect() {
  const { loadSettings } = await import("../../config/index.js");
  const { connectBedrock } = await import("../../bedrock/connection.js");
  const settings = loadSettings({ cwd: process.cwd(), env: process.env });
  return connectBedrock({ settings, env: process.env });
}

/** Prints a QuarryError or ConfigError the way other subcommands do, and returns the exit code. */
async function report(err: unknown): Promise<number> {
  const { QuarryError } = await import("../../bedrock/errors.js");
  const { ConfigError } = await import("../../config/index.js");
  if (err instanceof QuarryError) {
    process.stderr.write(`quarry: ${err.render()}\n`);
    return 1;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`quarry: ${err.message}\n  Fix: ${err.fix}\n`);
    return 2;
  }
  if (err instanceof Error && err.message.startsWith("--tag")) {
    process.stderr.write(`quarry: ${err.message}\n`);
    return 2;
  }
  throw err;
}

/** Registers `quarry profiles create|list`: application inference profiles for cost attribution. */
export function registerProfilesCommands(program: Command, setExitCode: (code: number) => void): void {
  const profiles = program
    .command("profiles")
    .description("application inference profiles: tagged copies of a model whose spend AWS reports by tag");

  profiles
    .command("create")
    .description("create an application inference profile for a model (CreateInferenceProfile)")
    // --model is the root program's session flag too; commander hands it to the root, so read it from there.
    .option("--model <model>", "the model to copy: an alias, a model or profile ID")
    .requiredOption("--name <name>", "the profile's name (letters, digits, spaces, _ and -)")
    .option("--tag <key=value>", "a cost-allocation tag (repeatable)", collect, [])
    .option("--description <text>", "a description")
    .option("--json", "print the result as JSON")
    .action(
      async (opts: { name: string; tag: string[]; description?: string; json?: boolean }, cmd: Command) => {
        const model = (cmd.optsWithGlobals() as { model?: string }).model;
        if (!model) {
          process.stderr.write("quarry: profiles create needs --model <model> (e.g. --model sonnet)\n");
          setExitCode(2);
          return;
        }
        try {
          const { createApplicationProfile, parseTags } = await import("../../cost/profiles.js");
          const tags = parseTags(opts.tag);
          const made = await createApplicationProfile(await connect(), { ...opts, model, tags });
          if (opts.json)
            process.stdout.write(`${JSON.stringify({ name: opts.name, ...made, tags }, null, 2)}\n`);
          else
            process.stdout.write(
              `Created ${opts.name}: ${made.arn}\n  copies ${made.copiedFrom}\n  use it: export ANTHROPIC_MODEL=${made.arn}  (or --model "${opts.name}")\n`,
            );
        } catch (err) {
          setExitCode(await report(err));
        }
      },
    );

  profiles
    .command("list")
    .description("list the region's application inference profiles with their tags")
    .option("--json", "print the list as JSON")
    .action(async (opts: { json?: boolean }) => {
      try {
        const { listApplicationProfiles } = await import("../../cost/profiles.js");
        const connection = await connect();
        const list = await listApplicationProfiles(connection, connection.region.region);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        if (list.length === 0)
          process.stdout.write(`No application inference profiles in ${connection.region.region}.\n`);
        for (const p of list) {
          const tags = Object.entries(p.tags).map(([k, v]) => `${k}=${v}`);
          const model = p.models[0]?.slice(p.models[0].lastIndexOf("/") + 1) ?? "?";
          process.stdout.write(
            `${p.name}  ${p.arn}\n  model ${model}${tags.length ? `  tags ${tags.join(", ")}` : ""}\n`,
          );
        }
      } catch (err) {
        const { QuarryError, classifyBedrockError } = await import("../../bedrock/errors.js");
        setExitCode(
          await report(
            err instanceof QuarryError || !(err as { $metadata?: unknown }).$metadata
              ? err
              : classifyBedrockError(err),
          ),
        );
      }
    });
}
