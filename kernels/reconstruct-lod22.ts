/**
 * Per-part LoD1.3 and LoD2.2 reconstruction (roofer's steps 5–15): normals, planes, roof type,
 * alpha-shape boundary lines and intersection lines, regularisation, arrangement, labelling,
 * then LoD2.2 (faces on their planes) and LoD1.3 (steps under 3 m merged, 70th percentiles)
 * solids with volume, RMSE and areas. Never throws: any failure gives the LoD1.1 fallback.
 *
 * Rules chosen here:
 * - Roof type: see `roofTypeOf`; fallbacks decided before plane detection (greenhouse, glass
 *   roof, large footprint) report `no planes`. `no points`: extrusion `skip`, no solids.
 * - LoD1.1 fallback (one prism at the 70th percentile of the 0.5 m per-cell max z, used as both
 *   LoD1.3 and LoD2.2): greenhouse/warehouse, glass roof, footprint over `lod11AreaThreshold`,
 *   more than `maxPlanes` planes, no roof plane, or any stage failing (reason says which).
 * - Per face, a plane that puts a corner below ground + `minHeight` or over `maxRise` above the
 *   highest point is forbidden in the labelling; left-overs become flat (70th percentile).
 * - Ground points inside the footprint (if given, away from the outline) take part in the face
 *   splits and the data term, so that an open courtyard is labelled ground and leaves the solid.
 * - Points on wall planes (facade hits inside the footprint) are left out of the data term and
 *   the LoD1.3 percentiles. An invalid LoD2.2 (val3dity) or a failed one is replaced by LoD1.3.
 * - b3_h_nok: height of the longest ridge (horizontal intersection of two slanted planes).
 * - b3_opp_buitenmuur: walls on the outline of the solid; walls between parts are inner walls.
 *   b3_opp_scheidingsmuur (party walls) needs the neighbours and is not computed here.
 * - b3_rmse_lod13/22, as 3DBAG's: RMSE of the 3D distances of all building points to the solid.
 *   `metrics` adds vertical RMSEs: of every point inside the solid's faces in plan, and of the
 *   points whose nearest surface is a roof face (facade hits, nearest a wall, left out).
 */
import type { Polygon, PointSet } from "./geometry-types.ts"
import {
  footprintProblem, normalizeFootprint, polygonArea, solidVolume
} from "./extrude.ts"
import type { SolidMesh } from "./extrude.ts"
import { percentile } from "./percentile.ts"
import { computeNormals, knnGraph } from "./normals.ts"
import type { KnnGraph } from "./normals.ts"
import { detectPlanes, roofTypeOf } from "./plane-detect.ts"
import type { Plane, RoofType } from "./plane-detect.ts"
import { planeLines } from "./boundary-lines.ts"
import { footprintLines, lineDirection, regulariseLines } from "./line-regularise.ts"
import type { Line2 } from "./line-regularise.ts"
import { buildArrangement, faceAdjacency, perimeter } from "./arrangement.ts"
import { faceSplitLines } from "./face-split.ts"
import type { Arrangement } from "./arrangement.ts"
import {
  alphaExpansion, dataTerm, faceLocator, flattenOutOfRange, forbidOutOfRange, locatePoints,
  mergeSteps, solidConnected
} from "./labelling.ts"
import { resolvePinchedVertices } from "./pinched-vertices.ts"
import { buildSolid, lod11Prism, roofSurfaceAttributes, verticalRmse } from "./roof-extrude.ts"
import type { HeightPlane } from "./roof-extrude.ts"
import { validateSolid } from "./val3dity.ts"
import { meshDistances } from "./mesh-distance.ts"
import { defaultLod22Params, noMetrics } from "./lod22-types.ts"
import type { Lod22Input, Lod22Metrics, Lod22Params, Lod22Result } from "./lod22-types.ts"

export { defaultLod22Params } from "./lod22-types.ts"
export type {
  Lod22Input, Lod22Metrics, Lod22Params, Lod22Result, Lod22Trace, RoofType
} from "./lod22-types.ts"
import { pointInPolygon, squaredDistanceToBoundary } from "./point-index.ts"


/** RMSE of the 3D distances of the context's points to `mesh` and the nearest-face flags. */
function meshFit(c: Ctx, mesh: SolidMesh): { rmse: number; offRoof: Uint8Array } {
  const d = meshDistances(mesh, c.world.x, c.world.y, c.pts.z)
  const n = d.distance.length
  const offRoof = new Uint8Array(n)
  let s = 0
  for (let i = 0; i < n; i++) {
    s += d.distance[i] * d.distance[i]
    const f = d.face[i]
    offRoof[i] = f >= 0 && mesh.faces[f].semantic === "RoofSurface" ? 0 : 1
  }
  return { rmse: n > 0 ? Math.sqrt(s / n) : NaN, offRoof }
}


interface Ctx {
  readonly input: Lod22Input
  readonly p: Lod22Params
  readonly polygon: Polygon
  readonly local: Polygon
  readonly ox: number
  readonly oy: number
  readonly pts: PointSet
  /** Usable ground points inside the footprint, local coordinates (`Lod22Input.groundPoints`). */
  /**
   * The building points (`pts`) followed by the usable ground points inside the footprint
   * (`Lod22Input.groundPoints`), local coordinates: what the splits and the labelling see.
   */
  readonly withGround: { readonly x: Float64Array; readonly y: Float64Array;
    readonly z: Float64Array }
  /** The points' world x and y (`pts` holds local ones), for distances to the output meshes. */
  readonly world: { readonly x: Float64Array; readonly y: Float64Array }
  readonly timings: Record<string, number>
  readonly notes: string[]
  t: number
}

function lap(c: Ctx, stage: string): void {
  const now = performance.now()
  c.timings[stage] = (c.timings[stage] ?? 0) + now - c.t
  c.t = now
}

function fallback(c: Ctx, roofType: RoofType, planes: number, why: string): Lod22Result {
  const g = c.input.groundZ
  const { mesh, top } = lod11Prism(c.polygon, g, c.pts, c.p.roofPercentile, c.p.minHeight)
  const rmse = meshFit(c, mesh).rmse
  const vol = solidVolume(mesh)
  const area = polygonArea(c.polygon)
  const attributes = {
    b3_dak_type: roofType, b3_n_vlakken: planes, b3_h_nok: null, b3_extrusie: "lod11_fallback",
    b3_rmse_lod13: rmse, b3_rmse_lod22: rmse, b3_volume_lod13: vol, b3_volume_lod22: vol,
    b3_opp_dak_plat: area, b3_opp_dak_schuin: 0, b3_opp_buitenmuur: perimeter(c.polygon) * (top - g)
  }
  const reason = [...c.notes, why].join("; ")
  return { roofType, planes, extrusion: "lod11_fallback", reason, lod13: mesh, lod22: mesh,
    attributes, timings: c.timings, metrics: noMetrics,
    faces: { arrangement: 0, lod22Roofs: 1 } }
}

/** Roof lines (alpha-shape boundaries and intersections), regularised; and the ridge height. */
function roofLines(c: Ctx, labels: Int32Array, planes: Plane[], graph: KnnGraph) {
  const found = planeLines(c.pts.x, c.pts.y, labels, graph, planes, c.p.alpha2,
    c.p.boundaryLines, c.p.intersection)
  const reg = regulariseLines(found.lines, footprintLines(c.local), c.p.regularise)
  lap(c, "lines")
  return { lines: reg, nok: found.ridgeZ }
}

/**
 * Rounds of `faceSplitLines`: faces holding the points of two planes (or of a plane and the
 * ground) get the line that separates them, and the arrangement is rebuilt; a failed rebuild
 * keeps the previous one.
 */
function splitMixedFaces(c: Ctx, arr: Arrangement, lines: Line2[], labels: Int32Array,
  planes: HeightPlane[]): Arrangement {
  const directions = [...lines, ...footprintLines(c.local)].map(lineDirection)
  // The ground points take part as one more plane, at the ground height: a face holding a
  // courtyard and a roof is split between them too.
  const { x, y, z } = c.withGround
  const planeOf = new Int32Array(x.length).fill(planes.length)
  planeOf.set(labels)
  const withGround = [...planes, { a: 0, b: 0, c: c.input.groundZ }]
  let all = lines
  for (let round = 0; round < c.p.splitRounds; round++) {
    const faceOf = locatePoints(faceLocator(arr.vx, arr.vy, arr.faces), x, y)
    const extra = faceSplitLines({ x, y, z, faceOf, planeOf, planes: withGround,
      vx: arr.vx, vy: arr.vy, faces: arr.faces, directions }, c.p.faceSplit)
    if (extra.length === 0) break
    const next = buildArrangement(c.local, [...all, ...extra], { snap: c.p.snap })
    if (!next.ok) {
      c.notes.push(`face split round ${round + 1} failed (${next.reason}): not applied`)
      break
    }
    all = [...all, ...extra]
    arr = next.arrangement
  }
  return arr
}

const heightPlane = (p: Plane): HeightPlane =>
  ({ a: -p.nx / p.nz, b: -p.ny / p.nz, c: -p.d / p.nz })

interface Labelled {
  readonly faceLabel: Int32Array
  readonly planes: HeightPlane[]
  readonly faceOf: Int32Array
  /** `faceOf` without the points on wall planes (they fit no roof). */
  readonly roofFaceOf: Int32Array
}

/** Alpha-expansion over the faces with the roof planes and the ground as labels. */
function label(c: Ctx, arr: Arrangement, planes: HeightPlane[], onWall: Uint8Array): Labelled {
  const locator = faceLocator(arr.vx, arr.vy, arr.faces)
  const R = planes.length
  const g = c.input.groundZ
  const hOf = (l: number, x: number, y: number) =>
    l === R ? g : planes[l].a * x + planes[l].b * y + planes[l].c
  const areas = arr.faces.map((f) => f.area)
  // Building and ground points together: a face seen as ground by the lidar costs little as
  // ground and a lot as roof.
  // LIMITATION: a face holding both roof-edge points and ground points that no split separates
  // can take a low plane nearby (an annex) instead of the ground: the courtyard is then modelled
  // at the annex's height, and LoD1.3 lifts that annex with the rim points.
  const allFaceOf = locatePoints(locator, c.withGround.x, c.withGround.y)
  const faceOf = allFaceOf.slice(0, c.pts.length)
  const roofFaceOf = faceOf.map((f, i) => (onWall[i] === 1 ? -1 : f))
  allFaceOf.set(roofFaceOf)
  const data = dataTerm(allFaceOf, c.withGround.x, c.withGround.y, c.withGround.z, areas, R + 1,
    hOf, c.p.lambda)
  forbidOutOfRange(arr.vx, arr.vy, arr.faces, planes, g + c.p.minHeight, maxZ(c) + c.p.maxRise,
    data, R + 1)
  const adj = faceAdjacency(arr)
  const w = adj.length.map((l) => (1 - c.p.lambda) * l)
  const problem = { nFaces: areas.length, nLabels: R + 1, data, a: adj.a, b: adj.b, w }
  const lab = alphaExpansion(problem)
  const faceLabel = Int32Array.from(lab, (l) => (l === R ? -1 : l))
  if (!solidConnected(faceLabel, adj.a, adj.b)) {
    // Roof every ground face, then give back to the ground, most ground-like first, those
    // that leave the solid in one piece (a passage stays roofed, a courtyard beside it not).
    const ground: number[] = []
    for (let f = 0; f < faceLabel.length; f++) {
      if (faceLabel[f] >= 0) continue
      let best = 0
      for (let l = 1; l < R; l++) if (data[f * (R + 1) + l] < data[f * (R + 1) + best]) best = l
      faceLabel[f] = best
      ground.push(f)
    }
    const gain = (f: number) => data[f * (R + 1) + faceLabel[f]] - data[f * (R + 1) + R]
    ground.sort((p, q) => gain(q) - gain(p) || p - q)
    let kept = 0
    for (const f of ground) {
      const roofLabel = faceLabel[f]
      faceLabel[f] = -1
      if (solidConnected(faceLabel, adj.a, adj.b)) continue
      faceLabel[f] = roofLabel
      kept++
    }
    c.notes.push(`${kept} ground face(s) would split the solid: roofed`)
  }
  lap(c, "labelling")
  return { faceLabel, planes: planes.slice(), faceOf, roofFaceOf }
}

function maxZ(c: Ctx): number {
  let m = -Infinity
  for (let i = 0; i < c.pts.length; i++) if (c.pts.z[i] > m) m = c.pts.z[i]
  return m
}

/** z of the points `ids`. */
const zOf = (c: Ctx, ids: number[]) => Float64Array.from(ids, (i) => c.pts.z[i])

/** Replaces planes that leave the plausible height range on their faces (module comment). */
function sanitisePlanes(c: Ctx, arr: Arrangement, lb: Labelled): void {
  const g = c.input.groundZ + c.p.minHeight
  const zMax = maxZ(c)
  const flat = (faces: number[], lo: number, hi: number) => {
    const inF = new Set(faces)
    const ids: number[] = []
    lb.roofFaceOf.forEach((f, i) => { if (inF.has(f)) ids.push(i) })
    const h = ids.length > 0 ? percentile(zOf(c, ids), null, c.p.roofPercentile) : (lo + hi) / 2
    return Math.min(Math.max(h, g), zMax)
  }
  const replaced = flattenOutOfRange(arr.vx, arr.vy, arr.faces, lb.faceLabel, lb.planes, g,
    zMax + c.p.maxRise, flat)
  for (const l of replaced) c.notes.push(`plane ${l} left the height range on its faces: flat`)
}

/** The solid of a labelling; `faceLabel` is repaired in place at pinched vertices first. */
function solidOf(c: Ctx, arr: Arrangement, faceLabel: Int32Array, planes: HeightPlane[]) {
  const z = (l: number, x: number, y: number) => planes[l].a * x + planes[l].b * y + planes[l].c
  const n = resolvePinchedVertices(arr.vx, arr.vy, arr.faces, faceLabel, z, c.input.groundZ,
    c.p.zMerge)
  if (n > 0) c.notes.push(`${n} face(s) relabelled where four walls would share an edge`)
  return buildSolid({ vx: arr.vx, vy: arr.vy, faces: arr.faces, faceLabel, planes,
    groundZ: c.input.groundZ, originX: c.ox, originY: c.oy, zMerge: c.p.zMerge })
}

/** LoD1.3: per-label 70th percentiles, merged across steps under lod13Step. */
function lod13(c: Ctx, arr: Arrangement, lb: Labelled) {
  const L = lb.planes.length
  const byLabel: number[][] = Array.from({ length: L }, () => [])
  lb.roofFaceOf.forEach((f, i) => {
    if (f >= 0 && lb.faceLabel[f] >= 0) byLabel[lb.faceLabel[f]].push(i)
  })
  const q = c.p.roofPercentile
  const height = new Float64Array(L).fill(NaN)
  for (let l = 0; l < L; l++) {
    if (!lb.faceLabel.includes(l)) continue
    const p = lb.planes[l]
    const f = lb.faceLabel.indexOf(l)
    const v = arr.faces[f].rings[0][0]
    height[l] = byLabel[l].length > 0 ? percentile(zOf(c, byLabel[l]), null, q)
      : p.a * arr.vx[v] + p.b * arr.vy[v] + p.c
    height[l] = Math.max(height[l], c.input.groundZ + c.p.minHeight)
  }
  const adj = faceAdjacency(arr)
  const pairs: Array<[number, number]> = []
  for (let k = 0; k < adj.a.length; k++) {
    const la = lb.faceLabel[adj.a[k]], lc = lb.faceLabel[adj.b[k]]
    if (la >= 0 && lc >= 0 && la !== lc) pairs.push([la, lc])
  }
  const heightOf = (m: number[]) => {
    const ids = m.flatMap((l) => byLabel[l])
    return ids.length > 0 ? percentile(zOf(c, ids), null, q) : height[m[0]]
  }
  const { group, z } = mergeSteps(height, pairs, c.p.lod13Step, heightOf)
  const faceLabel = Int32Array.from(lb.faceLabel, (l) => (l >= 0 ? group[l] : -1))
  const planes = z.map((h) => ({ a: 0, b: 0, c: Math.max(h, c.input.groundZ + c.p.minHeight) }))
  return { solid: solidOf(c, arr, faceLabel, planes), faceLabel, planes }
}

/** LoD1.3 with every solid face at the 70th percentile of all roof points (one prism). */
function singleHeight(c: Ctx, arr: Arrangement, lb: Labelled) {
  const ids: number[] = []
  lb.roofFaceOf.forEach((f, i) => { if (f >= 0 && lb.faceLabel[f] >= 0) ids.push(i) })
  const h = ids.length > 0 ? percentile(zOf(c, ids), null, c.p.roofPercentile) : NaN
  const planes = [{ a: 0, b: 0, c: Math.max(h, c.input.groundZ + c.p.minHeight) }]
  const faceLabel = Int32Array.from(lb.faceLabel, (l) => (l >= 0 ? 0 : -1))
  return { solid: solidOf(c, arr, faceLabel, planes), faceLabel, planes }
}

/** The stages in order; about 70 lines, as each stage's fallback needs the earlier results. */
function run(c: Ctx): Lod22Result {
  const p = c.p
  const graph = knnGraph(c.pts, p.knnK)
  const normals = computeNormals(c.pts, graph, p.normalK)
  lap(c, "normals")
  const det = detectPlanes(c.pts, graph, normals, p.planes)
  const roof = det.planes.map((pl, i) => [pl, i] as const).filter(([pl]) => pl.kind !== "wall")
  const remap = new Int32Array(det.planes.length).fill(-1)
  roof.forEach(([, i], k) => { remap[i] = k })
  const labels = Int32Array.from(det.labels, (l) => (l >= 0 ? remap[l] : -1))
  const planes = roof.map(([pl]) => pl)
  const roofType = roofTypeOf(planes)
  lap(c, "planes")
  if (planes.length === 0) return fallback(c, roofType, 0, "no roof planes detected")
  if (planes.length > p.maxPlanes) {
    return fallback(c, roofType, planes.length, `${planes.length} planes > ${p.maxPlanes}`)
  }
  const { lines, nok } = roofLines(c, labels, planes, graph)
  let built = buildArrangement(c.local, lines, { snap: p.snap })
  if (!built.ok) {
    c.notes.push(`arrangement failed (${built.reason}): footprint not partitioned`)
    built = buildArrangement(c.local, [], { snap: p.snap })
  }
  if (!built.ok) return fallback(c, roofType, planes.length, `arrangement: ${built.reason}`)
  const arr = splitMixedFaces(c, built.arrangement, lines, labels, planes.map(heightPlane))
  lap(c, "arrangement")
  const onWall = Uint8Array.from(det.labels,
    (l) => (l >= 0 && det.planes[l].kind === "wall" ? 1 : 0))
  const lb = label(c, arr, planes.map(heightPlane), onWall)
  sanitisePlanes(c, arr, lb)
  const s22 = solidOf(c, arr, lb.faceLabel, lb.planes)
  let l13 = lod13(c, arr, lb)
  lap(c, "extrude")
  if (!l13.solid.ok) c.notes.push(`LoD1.3 failed (${l13.solid.reason}): one height`)
  if (!l13.solid.ok) l13 = singleHeight(c, arr, lb)
  if (!l13.solid.ok) return fallback(c, roofType, planes.length, `LoD1.3: ${l13.solid.reason}`)
  let use22 = s22.ok ? s22 : l13.solid
  let faceLabel22 = s22.ok ? lb.faceLabel : l13.faceLabel
  let planes22 = s22.ok ? lb.planes : l13.planes
  if (!s22.ok) c.notes.push(`LoD2.2 failed (${s22.reason}): LoD1.3 used`)
  if (s22.ok && p.validate) {
    const codes = validateSolid(s22.mesh)
    if (codes.length > 0) {
      c.notes.push(`LoD2.2 invalid [${codes.join(",")}]: LoD1.3 used`)
      use22 = l13.solid
      faceLabel22 = l13.faceLabel
      planes22 = l13.planes
    }
    lap(c, "validate")
  }
  const areas = roofSurfaceAttributes(use22, p.planes.horizontalDeg)
  roofSurfaceAttributes(l13.solid, p.planes.horizontalDeg)
  const fit13 = meshFit(c, l13.solid.mesh), fit22 = meshFit(c, use22.mesh)
  const attributes = {
    b3_dak_type: roofType, b3_n_vlakken: planes.length, b3_h_nok: nok, b3_extrusie: "standard",
    b3_rmse_lod13: fit13.rmse, b3_rmse_lod22: fit22.rmse,
    b3_volume_lod13: solidVolume(l13.solid.mesh), b3_volume_lod22: solidVolume(use22.mesh),
    b3_opp_dak_plat: areas.flat, b3_opp_dak_schuin: areas.sloped,
    b3_opp_buitenmuur: use22.outerWallArea
  }
  const share = (m: Uint8Array) => m.reduce((s, v) => s + v, 0) / Math.max(1, m.length)
  const metrics: Lod22Metrics = {
    verticalRmseLod13: verticalRmse(c.pts, lb.faceOf, l13.faceLabel, l13.planes),
    verticalRmseLod22: verticalRmse(c.pts, lb.faceOf, faceLabel22, planes22),
    roofRmseLod13: verticalRmse(c.pts, lb.faceOf, l13.faceLabel, l13.planes, fit13.offRoof),
    roofRmseLod22: verticalRmse(c.pts, lb.faceOf, faceLabel22, planes22, fit22.offRoof),
    offRoofShareLod22: share(fit22.offRoof), wallPlaneShare: share(onWall)
  }
  lap(c, "attributes")
  return { roofType, planes: planes.length, extrusion: "standard", metrics,
    reason: c.notes.length > 0 ? c.notes.join("; ") : null, lod13: l13.solid.mesh,
    lod22: use22.mesh, attributes, timings: c.timings,
    faces: { arrangement: arr.faces.length, lod22Roofs: use22.roofs.length },
    trace: p.trace ? { faceOf: lb.faceOf, planeOf: labels, onWall, faceLabel: faceLabel22,
      planes: planes22, originX: c.ox, originY: c.oy } : undefined }
}

function context(input: Lod22Input, p: Lod22Params, polygon: Polygon): Ctx {
  const ox = polygon[0][0], oy = polygon[0][1]
  const local = polygon.map((r) => r.map((v, i) => v - (i % 2 === 0 ? ox : oy)))
  const src = input.points
  const keep: number[] = []
  for (let i = 0; i < src.length; i++) {
    const ok = Number.isFinite(src.x[i]) && Number.isFinite(src.y[i]) && Number.isFinite(src.z[i])
    if (ok) keep.push(i)
  }
  const pts = {
    x: Float64Array.from(keep, (i) => src.x[i] - ox),
    y: Float64Array.from(keep, (i) => src.y[i] - oy),
    z: Float64Array.from(keep, (i) => src.z[i]),
    classification: Uint8Array.from(keep, (i) => src.classification[i]), length: keep.length
  }
  const world = { x: Float64Array.from(keep, (i) => src.x[i]),
    y: Float64Array.from(keep, (i) => src.y[i]) }
  return { input, p, polygon, local, ox, oy, pts,
    withGround: withGround(input, p, local, ox, oy, pts), world, timings: {}, notes: [],
    t: performance.now() }
}

/**
 * `pts` followed by the input's ground points inside `local` and at least `groundEdge` from its
 * outline, local coordinates.
 * LIMITATION: ground points in a band just beyond `groundEdge` along the outline (a footprint
 * drawn larger than the building, or shifted against the lidar) cut that band out of the solid,
 * so its walls no longer stand on the footprint there.
 */
function withGround(input: Lod22Input, p: Lod22Params, local: Polygon, ox: number,
  oy: number, pts: PointSet) {
  const g = input.groundPoints ?? { x: [], y: [], z: [], length: 0 }
  const keep: number[] = []
  const edge2 = p.groundEdge * p.groundEdge
  for (let i = 0; i < g.length; i++) {
    const x = g.x[i] - ox, y = g.y[i] - oy
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(g.z[i])) continue
    if (pointInPolygon(local, x, y) && squaredDistanceToBoundary(local, x, y) >= edge2) keep.push(i)
  }
  const n = pts.length
  const join = (own: Float64Array, theirs: ArrayLike<number>, o: number) => {
    const out = new Float64Array(n + keep.length)
    out.set(own)
    keep.forEach((i, k) => { out[n + k] = theirs[i] - o })
    return out
  }
  return { x: join(pts.x, g.x, ox), y: join(pts.y, g.y, oy), z: join(pts.z, g.z, 0) }
}

function skip(roofType: RoofType, reason: string): Lod22Result {
  return { roofType, planes: 0, extrusion: "skip", reason, lod13: null, lod22: null,
    attributes: { b3_dak_type: roofType, b3_n_vlakken: 0, b3_extrusie: "skip" }, timings: {},
    metrics: noMetrics,
    faces: { arrangement: 0, lod22Roofs: 0 } }
}

/**
 * Reconstructs one building part. `params` override `defaultLod22Params` field by field.
 * Never throws: a failing stage yields the LoD1.1 fallback with the reason.
 */
export function reconstructLod22(input: Lod22Input, params?: Partial<Lod22Params>): Lod22Result {
  const p = { ...defaultLod22Params, ...params }
  const polygon = normalizeFootprint(input.polygon)
  const problem = footprintProblem(polygon)
  if (problem !== null) return skip("no points", `invalid footprint: ${problem}`)
  const c = context(input, p, polygon)
  if (c.pts.length === 0) return skip("no points", "no building points")
  const area = polygonArea(polygon)
  if (input.isGreenhouse === true) return fallback(c, "no planes", 0, "greenhouse or warehouse")
  if (input.isGlassRoof === true) return fallback(c, "no planes", 0, "glass roof")
  if (area > p.lod11AreaThreshold) {
    const why = `footprint ${area.toFixed(0)} m² > ${p.lod11AreaThreshold} m²`
    return fallback(c, "no planes", 0, why)
  }
  try {
    return run(c)
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err)
    try {
      return fallback(context(input, p, polygon), "no planes", 0, `internal error: ${text}`)
    } catch {
      return skip("no points", `internal error: ${text}`)
    }
  }
}
