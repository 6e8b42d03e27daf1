/**
 * CityJSON Solid / MultiSolid / CompositeSolid geometries -> shells for `validateSolid`.
 * Each shell gets its own compact vertex array (only the vertices it references), with the
 * CityJSON `transform` applied, so coordinates are in the file's CRS units (metres for 3DBAG).
 */
import type { ShellInput } from "./val3dity.ts"

/** CityJSON `transform`: real = int * scale + translate. */
export interface CityJsonTransform {
  readonly scale: ReadonlyArray<number>
  readonly translate: ReadonlyArray<number>
}

/** The part of a CityJSON geometry object read here. */
export interface CityJsonGeometry {
  readonly type: string
  readonly lod?: string | number
  readonly boundaries: unknown
}

/** A solid ready for validation: outer shell and inner shells (cavities). */
export interface SolidInput { readonly outer: ShellInput; readonly inner: ShellInput[] }

type Shell = ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>

/** One shell (surfaces -> rings -> vertex indices) re-indexed onto its own vertex array. */
function shellInput(shell: Shell, vertices: ReadonlyArray<ReadonlyArray<number>>,
  t?: CityJsonTransform): ShellInput {
  const local = new Map<number, number>()
  const xyz: number[] = []
  const sx = t?.scale ?? [1, 1, 1], tr = t?.translate ?? [0, 0, 0]
  const idOf = (g: number): number => {
    let i = local.get(g)
    if (i === undefined) {
      i = local.size
      local.set(g, i)
      const v = vertices[g] ?? [NaN, NaN, NaN]
      xyz.push(v[0] * sx[0] + tr[0], v[1] * sx[1] + tr[1], v[2] * sx[2] + tr[2])
    }
    return i
  }
  const faces = shell.map((surface) => ({
    rings: surface.map((ring) => Uint32Array.from(ring, idOf))
  }))
  return { vertices: Float64Array.from(xyz), faces }
}

function solidInput(solid: ReadonlyArray<Shell>, vertices: ReadonlyArray<ReadonlyArray<number>>,
  t?: CityJsonTransform): SolidInput {
  const [outer, ...inner] = solid.map((s) => shellInput(s, vertices, t))
  return { outer: outer ?? { vertices: new Float64Array(0), faces: [] }, inner }
}

/**
 * The solids of a geometry: one for `Solid`, one per member for `MultiSolid` and
 * `CompositeSolid`, none for other types.
 */
export function cityJsonSolids(geometry: CityJsonGeometry,
  vertices: ReadonlyArray<ReadonlyArray<number>>, transform?: CityJsonTransform): SolidInput[] {
  if (geometry.type === "Solid") {
    return [solidInput(geometry.boundaries as ReadonlyArray<Shell>, vertices, transform)]
  }
  if (geometry.type === "MultiSolid" || geometry.type === "CompositeSolid") {
    const solids = geometry.boundaries as ReadonlyArray<ReadonlyArray<Shell>>
    return solids.map((s) => solidInput(s, vertices, transform))
  }
  return []
}
