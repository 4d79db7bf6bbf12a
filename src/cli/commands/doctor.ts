import type { Command } from "commander";

/** Registers `quarry doctor` and `quarry models`. Implementations load lazily (start-up stays cheap). */
export function registerDoctorCommands(_program: Command): void {
  // Filled in by the doctor issue.
}
