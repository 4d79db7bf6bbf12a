import { describe, expect, it } from "vitest";
import { createSecretScrubber } from "./secret-scrubber.js";

describe("createSecretScrubber", () => {
  it("replaces credential values by name, leaves identifiers and short values alone", () => {
    const scrub = createSecretScrubber({
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_SESSION_TOKEN: "FQoGZXIvYXdzEXAMPLE",
      GITHUB_TOKEN: "ghp_abcdefghijklmnop",
      FEATURE_TOKEN: "on",
      HOME: "/home/me",
    });
    const text =
      "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\ntoken FQoGZXIvYXdzEXAMPLE ghp_abcdefghijklmnop on /home/me";
    expect(scrub(text)).toBe(
      "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=<redacted:AWS_SECRET_ACCESS_KEY>\ntoken <redacted:AWS_SESSION_TOKEN> <redacted:GITHUB_TOKEN> on /home/me",
    );
  });

  it("is the identity when there are no secrets", () => {
    expect(createSecretScrubber({ HOME: "/x" })("HOME=/x")).toBe("HOME=/x");
  });
});
