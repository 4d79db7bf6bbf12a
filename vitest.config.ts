import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "emulator/**/*.test.ts", "test/**/*.test.ts", "test/**/*.test.tsx"],
    // Two cores in CI: keep the pool small so child-process tests do not starve each other.
    pool: "forks",
    reporters: ["default", "./test/support/summary-reporter.ts"],
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
