/**
 * Hashing helpers. A data version is a sha256 over a canonical text, so it must never depend on
 * object key order or on the machine: `stableStringify` sorts keys at every level.
 */
import { createHash } from "node:crypto"

/** JSON with object keys sorted recursively; `undefined` members are dropped, as JSON does. */
export const stableStringify = (value: unknown): string => {
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" ? JSON.stringify(value.toString()) : JSON.stringify(value) ?? "null"
  }
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`
}

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash("sha256").update(data).digest("hex")

/** Hash of several text parts, separated so that ("ab","c") and ("a","bc") differ. */
export const hashParts = (parts: ReadonlyArray<string>): string => {
  const h = createHash("sha256")
  for (const p of parts) h.update(`${p.length}:`).update(p)
  return h.digest("hex")
}
