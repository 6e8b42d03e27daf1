/** A small, strict argument parser: `--flag value`, `--flag=value`, boolean flags, positionals. */
export interface ParsedArgs {
  readonly command: string | null
  readonly positionals: ReadonlyArray<string>
  readonly flags: ReadonlyMap<string, string | true>
}

export class UsageError extends Error {}

export const parseArgs = (
  argv: ReadonlyArray<string>,
  booleanFlags: ReadonlySet<string>
): ParsedArgs => {
  const flags = new Map<string, string | true>()
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith("--")) {
      positionals.push(a)
      continue
    }
    const eq = a.indexOf("=")
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq)
    if (booleanFlags.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`)
      flags.set(name, true)
    } else if (eq >= 0) {
      flags.set(name, a.slice(eq + 1))
    } else {
      const v = argv[i + 1]
      if (v === undefined || v.startsWith("--")) throw new UsageError(`--${name} needs a value`)
      flags.set(name, v)
      i++
    }
  }
  return { command: positionals.shift() ?? null, positionals, flags }
}

export const requireFlag = (args: ParsedArgs, name: string): string => {
  const v = args.flags.get(name)
  if (typeof v !== "string") throw new UsageError(`--${name} is required`)
  return v
}

export const optionalFlag = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.flags.get(name)
  return typeof v === "string" ? v : undefined
}

export const checkFlags = (args: ParsedArgs, allowed: ReadonlyArray<string>): void => {
  for (const k of args.flags.keys()) {
    if (!allowed.includes(k)) throw new UsageError(`unknown option --${k} for '${args.command}'`)
  }
}
