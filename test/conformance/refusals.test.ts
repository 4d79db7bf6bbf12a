import {
  AccessDeniedException,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import {
  anthropicBody,
  caught,
  collect,
  DEFAULT_ACCOUNT_ID,
  EU_SONNET45,
  MODELS,
  sharedEmulator,
  statusOf,
  US_SONNET45,
  worldWith,
} from "./helpers.js";

/**
 * Model-policy refusals (WIRE.md §7.3, FIELD-REPORT §3): each must reach the AWS SDK as the modelled exception
 * class with real Bedrock's status and exact text, and carry the emulator's request id as $metadata.requestId.
 */

const INVALID_ID = "The provided model identifier is invalid.";
const onDemand = (id: string) =>
  `Invocation of model ID ${id} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`;
const NO_ACCESS = "You don't have access to the model with the specified model ID.";
const USE_CASE =
  "Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model. If you have already filled out the form, try again in 15 minutes.";

const LIMITED = { accessKeyId: "AKIALIMITEDEXAMPLE01", secretAccessKey: "limited-secret-key-for-tests" };
const DENIED = { accessKeyId: "AKIADENIEDEXAMPLE001", secretAccessKey: "denied-secret-key-for-tests" };
const LIMITED_ARN = `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:user/limited`;
const DENIED_ARN = `arn:aws:sts::${DEFAULT_ACCOUNT_ID}:assumed-role/Dev/session-1`;

const emu = sharedEmulator(
  worldWith((w) => {
    for (const m of w.models ?? []) {
      // Opus 4.6: not enabled; Sonnet 4.6: use-case form missing; Sonnet 4: Marketplace subscription missing.
      if (m.modelId === MODELS.opus46) m.access = { authorized: false };
      if (m.modelId === MODELS.sonnet46) m.access = { useCaseSubmitted: false };
      if (m.modelId === MODELS.sonnet4) m.access = { marketplaceAgreement: false };
    }
    w.identities!.push(
      {
        name: "limited",
        arn: LIMITED_ARN,
        accessKeys: [LIMITED],
        policy: [{ effect: "Allow", actions: ["bedrock:InvokeModel"], resources: ["*"] }],
      },
      {
        name: "denied",
        arn: DENIED_ARN,
        accessKeys: [DENIED],
        policy: [
          { effect: "Allow", actions: ["bedrock:*"], resources: ["*"] },
          {
            effect: "Deny",
            actions: ["bedrock:InvokeModel"],
            resources: ["arn:aws:bedrock:*::foundation-model/*"],
          },
        ],
      },
    );
  }),
);

async function refusal(modelId: string, region = "us-east-1", credentials?: typeof LIMITED) {
  const err = await caught(() =>
    emu.runtime({ region, credentials }).send(new InvokeModelCommand({ modelId, body: anthropicBody("hi") })),
  );
  return err;
}

describe("model identifiers", () => {
  it("an unknown model ID is a 400 ValidationException 'The provided model identifier is invalid.'", async () => {
    const err = await refusal("us.anthropic.claude-imaginary-9-v1:0");
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(INVALID_ID);
    expect(statusOf(err)).toBe(400);
    expect(err.$fault).toBe("client");
    // x-amzn-RequestId reaches the SDK.
    expect((err.$metadata as { requestId?: string }).requestId).toBe(emu.last().id);
    expect(emu.last()).toMatchObject({ status: 400, errorType: "ValidationException" });
  });

  it("a bare ID of a profile-only model is the on-demand ValidationException, with U+2019 in isn\u2019t", async () => {
    const err = await refusal(MODELS.sonnet45);
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toBe(onDemand(MODELS.sonnet45));
    expect(err.message).toContain("\u2019");
    expect(statusOf(err)).toBe(400);
  });

  it("Converse refuses the bare profile-only ID the same way", async () => {
    const err = await caught(() =>
      emu.runtimeH1().send(
        new ConverseCommand({
          modelId: MODELS.haiku45,
          messages: [{ role: "user", content: [{ text: "x" }] }],
        }),
      ),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(onDemand(MODELS.haiku45));
  });

  it("a us. profile called from eu-west-1 is 'The provided model identifier is invalid.'", async () => {
    const err = await refusal(US_SONNET45, "eu-west-1");
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(INVALID_ID);
    expect(statusOf(err)).toBe(400);
    expect(emu.last()).toMatchObject({ region: "eu-west-1", modelId: US_SONNET45 });
  });

  it("an eu. profile called from us-east-1 is refused the same way", async () => {
    const err = await refusal(EU_SONNET45, "us-east-1");
    expect(err.message).toBe(INVALID_ID);
  });

  it("an inference-profile ARN of another region is refused", async () => {
    const arn = `arn:aws:bedrock:us-west-2:${DEFAULT_ACCOUNT_ID}:inference-profile/${US_SONNET45}`;
    const err = await refusal(arn, "us-east-1");
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(INVALID_ID);
    expect(statusOf(err)).toBe(400);
  });

  it("a malformed body is refused with Bedrock's schema wording", async () => {
    const body = JSON.stringify({ anthropic_version: "bedrock-2023-05-31", model: "claude", messages: [] });
    const err = await caught(() =>
      emu.runtime().send(new InvokeModelCommand({ modelId: US_SONNET45, body })),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(
      "Malformed input request: #: required key [max_tokens] not found#: extraneous key [model] is not permitted, please reformat your input and try again.",
    );
  });
});

describe("model access", () => {
  it("a model that is not enabled is a 403 AccessDeniedException", async () => {
    const err = await refusal(`us.${MODELS.opus46}`);
    expect(err).toBeInstanceOf(AccessDeniedException);
    expect(err.message).toBe(NO_ACCESS);
    expect(statusOf(err)).toBe(403);
  });

  it("a model whose use-case form was not submitted is a 404 ResourceNotFoundException", async () => {
    const err = await refusal(`us.${MODELS.sonnet46}`);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe(USE_CASE);
    expect(statusOf(err)).toBe(404);
  });

  it("a model without its Marketplace subscription is a 403 AccessDeniedException naming the Marketplace actions", async () => {
    const err = await refusal(`us.${MODELS.sonnet4}`);
    expect(err.name).toBe("AccessDeniedException");
    expect(err.message).toMatch(
      /^Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions \(aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe\) to enable access to this model\./,
    );
    expect(statusOf(err)).toBe(403);
  });
});

describe("IAM", () => {
  it("an identity allowed only bedrock:InvokeModel can InvokeModel and Converse", async () => {
    const client = emu.runtime({ credentials: LIMITED });
    const out = await client.send(
      new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("hi") }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    const conv = await client.send(
      new ConverseCommand({ modelId: US_SONNET45, messages: [{ role: "user", content: [{ text: "hi" }] }] }),
    );
    expect(conv.stopReason).toBe("end_turn");
    expect(emu.last().identity).toBe("limited");
  });

  it("…but its stream call is denied naming the action, the profile ARN and the identity-based policy", async () => {
    const err = await caught(() =>
      emu
        .runtime({ credentials: LIMITED })
        .send(new InvokeModelWithResponseStreamCommand({ modelId: US_SONNET45, body: anthropicBody("hi") })),
    );
    expect(err).toBeInstanceOf(AccessDeniedException);
    expect(statusOf(err)).toBe(403);
    expect(err.message).toBe(
      `User: ${LIMITED_ARN} is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:us-east-1:${DEFAULT_ACCOUNT_ID}:inference-profile/${US_SONNET45} because no identity-based policy allows the bedrock:InvokeModelWithResponseStream action`,
    );
  });

  it("ConverseStream needs bedrock:InvokeModelWithResponseStream too", async () => {
    const err = await caught(async () => {
      const out = await emu.runtimeH1({ credentials: LIMITED }).send(
        new ConverseStreamCommand({
          modelId: US_SONNET45,
          messages: [{ role: "user", content: [{ text: "hi" }] }],
        }),
      );
      await collect(out.stream);
    });
    expect(err.name).toBe("AccessDeniedException");
    expect(err.message).toContain(
      "is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource:",
    );
  });

  it("an explicit deny on the foundation models behind a profile names the routed model ARN", async () => {
    const err = await caught(() =>
      emu
        .runtime({ credentials: DENIED })
        .send(new InvokeModelCommand({ modelId: US_SONNET45, body: anthropicBody("hi") })),
    );
    expect(err.name).toBe("AccessDeniedException");
    expect(statusOf(err)).toBe(403);
    expect(err.message).toMatch(
      new RegExp(
        `^User: ${escapeRegExp(DENIED_ARN)} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-[a-z]+-\\d::foundation-model/${escapeRegExp(MODELS.sonnet45)} with an explicit deny in an identity-based policy$`,
      ),
    );
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
