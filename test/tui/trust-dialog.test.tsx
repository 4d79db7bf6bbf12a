import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import type { TrustAnswer } from "../../src/trust/first-run.js";
import { TrustDialog } from "../../src/ui/tui/TrustDialog.js";
import { tick } from "./fake-backend.js";

const QUESTION = {
  folder: "/work/evil-repo",
  enables: [
    {
      file: "/work/evil-repo/.quarry/settings.json",
      key: "permissions.allow",
      shown: "Bash, Write",
      effect: "allows tools without asking",
    },
    {
      file: "/work/evil-repo/.quarry/settings.json",
      key: "awsAuthRefresh",
      shown: "touch /tmp/x",
      effect: "names a command Quarry runs when credentials expire",
    },
  ],
};

function dialog() {
  const answers: TrustAnswer[] = [];
  const r = render(<TrustDialog question={QUESTION} onAnswer={(a) => answers.push(a)} />);
  return { r, answers };
}

describe("trust dialog", () => {
  it("lists what the folder's settings would enable", () => {
    const frame = dialog().r.lastFrame() ?? "";
    expect(frame).toContain("/work/evil-repo");
    expect(frame).toContain("permissions.allow");
    expect(frame).toContain("Bash, Write");
    expect(frame).toContain("touch /tmp/x");
  });

  it("Enter alone continues untrusted; trusting takes a deliberate choice", async () => {
    const a = dialog();
    await tick();
    a.r.stdin.write("\r");
    await tick();
    expect(a.answers).toEqual(["untrusted"]);

    const b = dialog();
    await tick();
    b.r.stdin.write("\u001B[B"); // down
    await tick();
    b.r.stdin.write("\r");
    await tick();
    expect(b.answers).toEqual(["trust"]);

    const c = dialog();
    await tick();
    c.r.stdin.write("3");
    await tick();
    expect(c.answers).toEqual(["quit"]);
  });
});
