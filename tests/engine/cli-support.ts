import { spawn, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
export const assetsBin = fileURLToPath(new URL("../../bin/assets.mjs", import.meta.url))

export interface CliResult { readonly code: number | null; readonly stdout: string; readonly stderr: string }

/** Runs `assets ARGS` to completion. */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string>): CliResult => {
  const r = spawnSync(process.execPath, [assetsBin, ...args], {
    cwd: repoRoot, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Starts `assets ARGS` and SIGKILLs it once `killAfter` partition lines were printed. */
export const runCliAndKill = (args: ReadonlyArray<string>, env: Record<string, string>, killAfter: number) =>
  new Promise<{ seen: number; signal: NodeJS.Signals | null }>((resolve) => {
    const child = spawn(process.execPath, [assetsBin, ...args], { cwd: repoRoot, env: { ...process.env, ...env } })
    let seen = 0
    let buf = ""
    child.stderr.on("data", (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split("\n")
      buf = lines.pop()!
      seen += lines.filter((l) => l.includes('"outcome":"materialized"')).length
      if (seen >= killAfter) child.kill("SIGKILL")
    })
    child.on("exit", (_code, signal) => resolve({ seen, signal }))
  })
