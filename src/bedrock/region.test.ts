import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QuarryError } from "./errors.js";
import { resolveRegion } from "./region.js";

function homeWithConfig(config: string): string {
  const home = mkdtempSync(join(tmpdir(), "quarry-region-"));
  mkdirSync(join(home, ".aws"));
  writeFileSync(join(home, ".aws", "config"), config);
  return home;
}

describe("resolveRegion", () => {
  it("prefers AWS_REGION over AWS_DEFAULT_REGION and the profile", async () => {
    const home = homeWithConfig("[default]\nregion = eu-west-1\n");
    const r = await resolveRegion({ AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "us-east-1" }, { home });
    expect(r).toEqual({ region: "us-west-2", source: "env AWS_REGION" });
  });

  it("falls back to AWS_DEFAULT_REGION", async () => {
    const home = homeWithConfig("[default]\nregion = eu-west-1\n");
    const r = await resolveRegion({ AWS_DEFAULT_REGION: "us-east-1" }, { home });
    expect(r).toEqual({ region: "us-east-1", source: "env AWS_DEFAULT_REGION" });
  });

  it("reads the active profile's region from ~/.aws/config and says so", async () => {
    const home = homeWithConfig("[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n");
    const r = await resolveRegion({ AWS_PROFILE: "dev" }, { home });
    expect(r.region).toBe("eu-west-1");
    expect(r.source).toBe(`${join(home, ".aws", "config")} [profile dev] region`);
  });

  it("honours AWS_CONFIG_FILE", async () => {
    const home = homeWithConfig("[default]\nregion = us-east-1\n");
    const other = join(home, "other-config");
    writeFileSync(other, "[default]\nregion = us-west-2\n");
    const r = await resolveRegion({ AWS_CONFIG_FILE: other }, { home });
    expect(r.region).toBe("us-west-2");
  });

  it("never defaults silently: no region anywhere names the three places", async () => {
    const home = homeWithConfig("[profile dev]\nsso_session = x\n");
    const err = await resolveRegion({ AWS_PROFILE: "dev" }, { home }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuarryError);
    const q = err as QuarryError;
    expect(q.kind).toBe("no-region");
    expect(q.fix).toContain("AWS_REGION");
    expect(q.fix).toContain("AWS_DEFAULT_REGION");
    expect(q.fix).toContain("[profile dev]");
    expect(q.fix).toContain("region = us-east-1");
  });

  it("rejects something that is not a region code, naming its source", async () => {
    const home = homeWithConfig("");
    const err = (await resolveRegion({ AWS_REGION: "us-east-1a" }, { home }).catch(
      (e: unknown) => e,
    )) as QuarryError;
    expect(err.explanation).toBe('"us-east-1a" (from env AWS_REGION) is not an AWS region name.');
  });
});
