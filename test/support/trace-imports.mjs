import { register } from "node:module";

register("./trace-imports-hooks.mjs", import.meta.url);
