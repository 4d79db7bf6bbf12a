import type { BedrockClient } from "@aws-sdk/client-bedrock";
import { classifyBedrockError, type FailureContext } from "../bedrock/errors.js";
import type { ModelRole, ResolvedModel } from "../bedrock/resolver.js";

/**
 * Application inference profiles for cost attribution: a named, tagged copy of a model or system profile
 * whose calls AWS bills (and Cost Explorer groups) under its tags. `quarry profiles create/list`, and the
 * name → ARN look-up that lets a profile's name stand in for the model.
 */

/** What these functions need of a BedrockConnection (named structurally: the connection imports this module). */
export interface ProfileConnection {
  control(region: string): Promise<BedrockClient>;
  resolve(role: ModelRole, requested?: string): Promise<ResolvedModel>;
  failureContext(role: ModelRole, resolved: ResolvedModel | undefined): FailureContext;
}

/** One application profile as `quarry profiles list` shows it. */
export interface ApplicationProfileInfo {
  name: string;
  arn: string;
  /** The foundation-model ARNs it routes to. */
  models: string[];
  tags: Record<string, string>;
}

// Bedrock's inferenceProfileName pattern; anything else cannot be a profile name.
const PROFILE_NAME = /^[0-9a-zA-Z]([0-9a-zA-Z: _-]{0,62}[0-9a-zA-Z])?$/;

/** `--tag team=payments` → { team: "payments" }; throws an Error that shows the expected form. */
export function parseTags(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new Error(`--tag ${v} is not key=value (e.g. --tag team=payments)`);
    tags[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return tags;
}

/** Every APPLICATION profile in a region, with its tags (ListInferenceProfiles + ListTagsForResource). */
export async function listApplicationProfiles(
  connection: ProfileConnection,
  region: string,
  withTags = true,
): Promise<ApplicationProfileInfo[]> {
  const { paginateListInferenceProfiles, ListTagsForResourceCommand } = await import(
    "@aws-sdk/client-bedrock"
  );
  const client = await connection.control(region);
  const out: ApplicationProfileInfo[] = [];
  for await (const page of paginateListInferenceProfiles({ client }, { typeEquals: "APPLICATION" })) {
    for (const p of page.inferenceProfileSummaries ?? []) {
      out.push({
        name: p.inferenceProfileName ?? "",
        arn: p.inferenceProfileArn ?? "",
        models: (p.models ?? []).map((m) => m.modelArn ?? ""),
        tags: {},
      });
    }
  }
  if (withTags) {
    await Promise.all(
      out.map(async (p) => {
        const tags = await client.send(new ListTagsForResourceCommand({ resourceARN: p.arn }));
        for (const t of tags.tags ?? []) if (t.key) p.tags[t.key] = t.value ?? "";
      }),
    );
  }
  return out;
}

/** The ARN of the application profile with this name in `region`, or undefined (also when listing fails). */
export async function applicationProfileArnByName(
  connection: ProfileConnection,
  region: string,
  name: string,
): Promise<string | undefined> {
  if (!PROFILE_NAME.test(name)) return undefined;
  try {
    return (await listApplicationProfiles(connection, region, false)).find((p) => p.name === name)?.arn;
  } catch {
    return undefined; // the original "not a valid model" error is the clearer one to show
  }
}

/**
 * CreateInferenceProfile copying what `model` resolves to (a foundation model, or the system profile Quarry
 * would call), tagged. Returns the new ARN; throws a QuarryError with a fix.
 */
export async function createApplicationProfile(
  connection: ProfileConnection,
  options: { model: string; name: string; tags: Record<string, string>; description?: string },
): Promise<{ arn: string; copiedFrom: string; region: string }> {
  const resolved = await connection.resolve("main", options.model);
  const region = resolved.region;
  const { CreateInferenceProfileCommand, GetInferenceProfileCommand } = await import(
    "@aws-sdk/client-bedrock"
  );
  const client = await connection.control(region);
  try {
    // copyFrom takes an ARN: a system profile's comes from GetInferenceProfile, a foundation model's is fixed.
    const copyFrom =
      resolved.kind === "foundation-model"
        ? `arn:aws:bedrock:${region}::foundation-model/${resolved.sendId}`
        : resolved.sendId.startsWith("arn:")
          ? resolved.sendId
          : ((
              await client.send(
                new GetInferenceProfileCommand({ inferenceProfileIdentifier: resolved.sendId }),
              )
            ).inferenceProfileArn ?? resolved.sendId);
    const out = await client.send(
      new CreateInferenceProfileCommand({
        inferenceProfileName: options.name,
        description: options.description,
        modelSource: { copyFrom },
        tags: Object.entries(options.tags).map(([key, value]) => ({ key, value })),
      }),
    );
    return { arn: out.inferenceProfileArn ?? "", copiedFrom: copyFrom, region };
  } catch (err) {
    throw classifyBedrockError(err, connection.failureContext("main", resolved));
  }
}
