/**
 * Readers for the shell files of val3dity's test data: TetGen POLY (one shell, faces with
 * inner rings) and the face part of Wavefront OBJ. Pure text -> ShellInput; bad input gives
 * `{ error }` rather than a throw.
 *
 * POLY layout as used there: `nv 3 0 0`, then nv lines `id x y z`; `nf markers`, then per
 * facet `npolygons nholes [marker]`, npolygons lines `k i1 … ik` (first = outer ring, the rest
 * inner rings) and nholes lines `id x y z` (hole seed points, skipped); then the volume-hole
 * and region lists, ignored. Vertex ids start at the first listed id (0 or 1).
 */
import type { ShellInput } from "./val3dity.ts"

export type ParseResult = { shell: ShellInput } | { error: string }

/** Non-empty lines with `#` comments removed, as number arrays. */
function numberLines(text: string): number[][] {
  return text.split(/\r?\n/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(/\s+/).map(Number))
}

/** Parses a TetGen POLY text into one shell. */
export function parsePoly(text: string): ParseResult {
  const lines = numberLines(text)
  let at = 0
  const next = (): number[] | undefined => lines[at++]
  const head = next()
  if (head === undefined || head.length < 1) return { error: "empty POLY file" }
  const nv = head[0]
  const vertices = new Float64Array(nv * 3)
  let base = 0
  for (let i = 0; i < nv; i++) {
    const l = next()
    if (l === undefined || l.length < 4) return { error: `vertex ${i}: expected 'id x y z'` }
    if (i === 0) base = l[0]
    vertices.set([l[1], l[2], l[3]], 3 * i)
  }
  const nf = next()?.[0] ?? 0
  const faces: ShellInput["faces"] = []
  for (let f = 0; f < nf; f++) {
    const fh = next()
    if (fh === undefined) return { error: `facet ${f}: missing header` }
    const rings: Uint32Array[] = []
    for (let p = 0; p < fh[0]; p++) {
      const l = next()
      if (l === undefined || l.length !== l[0] + 1) return { error: `facet ${f}: bad polygon line` }
      const ids = l.slice(1).map((i) => i - base)
      const bad = ids.some((i) => !(i >= 0 && i < nv))
      if (bad) return { error: `facet ${f}: vertex id outside ${base}..${base + nv - 1}` }
      rings.push(Uint32Array.from(ids))
    }
    at += fh[1] ?? 0
    faces.push({ rings })
  }
  return { shell: { vertices, faces } }
}

/** Parses the `v` and `f` records of an OBJ text into one shell (1-based or negative ids). */
export function parseObj(text: string): ParseResult {
  const xyz: number[] = []
  const faces: ShellInput["faces"] = []
  for (const raw of text.split(/\r?\n/)) {
    const t = raw.trim().split(/\s+/)
    if (t[0] === "v") xyz.push(Number(t[1]), Number(t[2]), Number(t[3]))
    if (t[0] !== "f") continue
    const nv = xyz.length / 3
    const ids = t.slice(1).map((s) => {
      const i = parseInt(s.split("/")[0], 10)
      return i < 0 ? nv + i : i - 1
    })
    const bad = ids.some((i) => !(i >= 0 && i < nv))
    if (bad) return { error: `face ${faces.length}: vertex id outside 1..${nv}` }
    faces.push({ rings: [Uint32Array.from(ids)] })
  }
  if (faces.length === 0) return { error: "no faces in OBJ" }
  return { shell: { vertices: Float64Array.from(xyz), faces } }
}
