import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { runCli, runCliAndKill } from "./cli-support.ts"
import { sourceDir, tempDir } from "./support.ts"

const definitions = "tests/engine/fixtures/toy-definitions.ts"
const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${String(i).padStart(2, "0")}`, `text ${i}`]))

const dataVersions = (home: string, dirs: string) => {
  const r = runCli(["status", "--select", "summary", "--partition", "*", "--json", "--definitions", definitions],
    { ASSETS_HOME: home, TOY_DIRS: dirs })
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as { counts: Record<string, number>; partitions: Array<{ dataVersion: string }> }
}

describe("materialize#kill -9", () => {
  it("a run killed mid-way and run again ends as an uninterrupted run, with nothing partial referenced", async () => {
    const dirs = JSON.stringify({ "2024.01": sourceDir(files) })
    const args = ["materialize", "--select", "summary", "--partition", "2024.01", "--concurrency", "2",
      "--definitions", definitions]
    const killedHome = tempDir("killed")
    const killed = await runCliAndKill(args, { ASSETS_HOME: killedHome, TOY_DIRS: dirs, TOY_SLOW_MS: "150" }, 4)
    expect(killed.signal).toBe("SIGKILL")
    expect(killed.seen).toBeGreaterThanOrEqual(4)

    const rerun = runCli([...args, "--json"], { ASSETS_HOME: killedHome, TOY_DIRS: dirs })
    expect(rerun.code).toBe(0)
    const summary = JSON.parse(rerun.stdout)
    expect(summary.failed).toBe(0)
    // raw + 12 tiles + summary = 14; at least the 4 seen before the kill are not redone
    expect(summary.materialized + summary.skipped).toBe(14)
    expect(summary.skipped).toBeGreaterThanOrEqual(4)

    const cleanHome = tempDir("clean")
    const clean = runCli([...args, "--json"], { ASSETS_HOME: cleanHome, TOY_DIRS: dirs })
    expect(JSON.parse(clean.stdout).materialized).toBe(14)
    const a = dataVersions(killedHome, dirs)
    const b = dataVersions(cleanHome, dirs)
    expect(a.counts).toEqual({ FRESH: 1, STALE: 0, MISSING: 0 })
    expect(a.partitions.map((p) => p.dataVersion)).toEqual(b.partitions.map((p) => p.dataVersion))

    const verify = runCli(["verify", "--partition", "*", "--json", "--definitions", definitions],
      { ASSETS_HOME: killedHome, TOY_DIRS: dirs })
    expect(verify.code).toBe(0)
    // raw copies 12 files, each tile writes 1, the summary 1
    expect(JSON.parse(verify.stdout)).toEqual({ checked: 25, problems: [] })
    const tmp = join(killedHome, "store", ".tmp")
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([])
  })
})
