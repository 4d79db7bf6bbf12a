import { describe, expect, it } from "vitest";
import {
  defaultGeoForRegion,
  describeGeoRegions,
  geoCoversRegion,
  isGeo,
  isValidRegionName,
  partitionForRegion,
  regionalGeosForRegion,
} from "./geography.js";

describe("defaultGeoForRegion (Claude Code's table)", () => {
  it.each([
    ["us-east-1", "us"],
    ["us-west-2", "us"],
    ["us-gov-west-1", "us-gov"],
    ["us-gov-east-1", "us-gov"],
    ["eu-west-1", "eu"],
    ["eu-central-2", "eu"],
    ["ap-northeast-1", "apac"],
    ["ap-southeast-2", "apac"],
    ["ca-central-1", "global"],
    ["sa-east-1", "global"],
    ["me-central-1", "global"],
  ])("%s → %s", (region, geo) => {
    expect(defaultGeoForRegion(region)).toBe(geo);
  });
});

describe("geoCoversRegion", () => {
  it("knows each geography's source regions", () => {
    expect(geoCoversRegion("us", "us-east-2")).toBe(true);
    expect(geoCoversRegion("us", "eu-west-1")).toBe(false);
    expect(geoCoversRegion("eu", "eu-west-1")).toBe(true);
    expect(geoCoversRegion("jp", "ap-northeast-1")).toBe(true);
    expect(geoCoversRegion("jp", "ap-southeast-2")).toBe(false);
    expect(geoCoversRegion("au", "ap-southeast-2")).toBe(true);
    expect(geoCoversRegion("apac", "me-central-1")).toBe(true);
    expect(geoCoversRegion("us-gov", "us-gov-west-1")).toBe(true);
    expect(geoCoversRegion("us", "us-gov-west-1")).toBe(false);
  });

  it("global covers commercial regions only", () => {
    expect(geoCoversRegion("global", "ca-central-1")).toBe(true);
    expect(geoCoversRegion("global", "eu-west-1")).toBe(true);
    expect(geoCoversRegion("global", "us-gov-west-1")).toBe(false);
    expect(geoCoversRegion("global", "cn-north-1")).toBe(false);
  });

  it("accepts us-west-1 for us. so a pre-flight check never blocks what AWS may serve", () => {
    expect(geoCoversRegion("us", "us-west-1")).toBe(true);
    expect(describeGeoRegions("us")).toBe("a us- region (us-east-1, us-east-2, us-west-2)");
  });
});

describe("regionalGeosForRegion", () => {
  it("puts the default geography first and the narrower ones after", () => {
    expect(regionalGeosForRegion("ap-northeast-1")).toEqual(["apac", "jp"]);
    expect(regionalGeosForRegion("ap-southeast-2")).toEqual(["apac", "au"]);
    expect(regionalGeosForRegion("eu-west-1")).toEqual(["eu"]);
    expect(regionalGeosForRegion("ca-central-1")).toEqual([]);
    expect(regionalGeosForRegion("me-central-1")).toEqual(["apac"]);
  });
});

describe("names", () => {
  it("validates region names", () => {
    for (const ok of ["us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-5", "il-central-1"]) {
      expect(isValidRegionName(ok), ok).toBe(true);
    }
    for (const bad of ["", "us-east", "US-EAST-1", "useast1", "us-east-1 ", "eu-west-1a", "global"]) {
      expect(isValidRegionName(bad), bad).toBe(false);
    }
  });

  it("knows geographies and partitions", () => {
    expect(isGeo("us-gov")).toBe(true);
    expect(isGeo("ca")).toBe(false);
    expect(partitionForRegion("us-gov-east-1")).toBe("aws-us-gov");
    expect(partitionForRegion("cn-northwest-1")).toBe("aws-cn");
    expect(partitionForRegion("eu-west-1")).toBe("aws");
  });

  it("describes regions with the right article", () => {
    expect(describeGeoRegions("eu")).toMatch(/^an eu- region \(eu-central-1, /);
    expect(describeGeoRegions("jp")).toBe("an ap- region (ap-northeast-1, ap-northeast-3)");
    expect(describeGeoRegions("global")).toMatch(/commercial AWS region/);
  });
});
