#!/usr/bin/env node
// The `assets` command. Registers the TypeScript loader, then runs the CLI.
import { register } from "tsx/esm/api"

register()
await import("../cli/main.ts")
