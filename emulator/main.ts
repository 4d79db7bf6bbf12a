/** Placeholder replaced by the server spine. */
export async function runEmulatorCli(_argv: string[]): Promise<void> {}
