import { describe, expect, it } from "vitest";
import type { ToolResultBlock } from "../model/types.js";
import { budgetToolResults, MAX_RESULT_CHARS, turnBudgetChars } from "./tool-budget.js";

const result = (id: string, size: number): ToolResultBlock => ({
  type: "tool_result",
  tool_use_id: id,
  content: "y".repeat(size),
});
const sizeOf = (r: ToolResultBlock) => (r.content as string).length;

describe("budgetToolResults", () => {
  it("returns results untouched when they fit", () => {
    const results = [result("a", 10), result("b", 20)];
    expect(budgetToolResults(results, 1000)).toEqual(results);
  });

  it("caps one huge result at the per-result limit and says so", () => {
    const [cut] = budgetToolResults([result("a", MAX_RESULT_CHARS * 3)], 10_000_000);
    expect(sizeOf(cut!)).toBeLessThanOrEqual(MAX_RESULT_CHARS);
    expect(cut!.content).toContain(
      `of ${MAX_RESULT_CHARS * 3} characters (limit ${MAX_RESULT_CHARS} per result)`,
    );
  });

  it("keeps small results whole and lets the large ones share what is left, notes included", () => {
    const out = budgetToolResults(
      [result("small", 100), result("big1", 50_000), result("big2", 50_000)],
      10_100,
    );
    expect(out[0]!.content).toBe("y".repeat(100));
    expect(out.slice(1).every((r) => (r.content as string).includes("3 results share 10100 this turn"))).toBe(
      true,
    );
    expect(out.reduce((n, r) => n + sizeOf(r), 0)).toBeLessThanOrEqual(10_100);
  });

  it("a thousand results stay within a 200k-token window's turn budget", () => {
    const budget = turnBudgetChars(200_000);
    const out = budgetToolResults(
      Array.from({ length: 1000 }, (_, i) => result(`r${i}`, 3000)),
      budget,
    );
    expect(out.reduce((n, r) => n + sizeOf(r), 0)).toBeLessThanOrEqual(budget);
    expect(out.every((r) => (r.content as string).includes("[Output cut"))).toBe(true);
  });
});
