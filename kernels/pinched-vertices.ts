/**
 * 2-manifold repair of a labelled arrangement before extrusion: where the heights of the faces
 * around a vertex alternate, the walls of the solid would share one vertical edge four times.
 */

/**
 * Heights around each vertex must rise and fall once (a unimodal cyclic sequence): where they
 * alternate (high, low, high, low, as two blocks meeting at a corner), four walls share one
 * vertical edge and the solid is not 2-manifold. Each such vertex is repaired by giving its
 * smallest incident face that is a local peak or dip the label of the neighbour at the vertex
 * with the nearest height (so a ground face, label −1, can be roofed again; a roof face is
 * never made ground). This repeats while it fixes something, each face relabelled at most once,
 * so that no two vertices trade a face back and forth; a vertex left pinched makes the solid
 * fail its closedness check. The outside of the footprint and ground faces stand at `groundZ`.
 * `zOf(label, x, y)` is the height of a label. Returns the number of faces relabelled.
 * O(vertices · degree) per pass.
 */
export function resolvePinchedVertices(vx: ArrayLike<number>, vy: ArrayLike<number>,
  faces: ReadonlyArray<{ readonly rings: ReadonlyArray<Uint32Array>; readonly area: number }>,
  faceLabel: Int32Array, zOf: (label: number, x: number, y: number) => number,
  groundZ: number, tol: number): number {
  // Sectors at each vertex: (face, direction of the edge leaving the vertex along the ring).
  const sectors = new Map<number, Array<{ face: number; angle: number; back: number }>>()
  faces.forEach((f, fi) => {
    for (const r of f.rings) {
      for (let i = 0; i < r.length; i++) {
        const v = r[i], next = r[(i + 1) % r.length], prev = r[(i + r.length - 1) % r.length]
        const angle = Math.atan2(vy[next] - vy[v], vx[next] - vx[v])
        const back = Math.atan2(vy[prev] - vy[v], vx[prev] - vx[v])
        const list = sectors.get(v)
        if (list === undefined) sectors.set(v, [{ face: fi, angle, back }])
        else list.push({ face: fi, angle, back })
      }
    }
  })
  for (const list of sectors.values()) list.sort((a, b) => a.angle - b.angle || a.face - b.face)
  const height = (face: number, v: number) =>
    face < 0 || faceLabel[face] < 0 ? groundZ : zOf(faceLabel[face], vx[v], vy[v])
  let changed = 0
  const done = new Uint8Array(faces.length)
  for (;;) {
    let fixed = false
    for (const [v, list] of sectors) {
      if (list.length < 3) continue
      // Cyclic sequence of faces, with the outside (−1) where consecutive sectors leave a gap.
      const seq: number[] = []
      list.forEach((s, k) => {
        seq.push(s.face)
        const n = list[(k + 1) % list.length]
        if (Math.abs(angleBetween(s.back, n.angle)) > 1e-9) seq.push(-1)
      })
      const runs = levelRuns(seq, (f) => height(f, v), tol)
      if (runs.length < 4) continue
      let peaks = 0
      for (let k = 0; k < runs.length; k++) {
        const p = runs[(k + runs.length - 1) % runs.length].z, q = runs[(k + 1) % runs.length].z
        if (runs[k].z > p && runs[k].z > q) peaks++
      }
      if (peaks <= 1) continue
      // Smallest relabelable face that is a peak or dip; it takes its nearest neighbour's label.
      let best = -1, bestArea = Infinity, bestLabel = -1
      runs.forEach((run, k) => {
        const p = runs[(k + runs.length - 1) % runs.length], q = runs[(k + 1) % runs.length]
        const extreme = (run.z > p.z && run.z > q.z) || (run.z < p.z && run.z < q.z)
        if (!extreme) return
        for (const f of run.faces) {
          if (f < 0 || done[f] === 1 || faces[f].area >= bestArea) continue
          const to = Math.abs(p.z - run.z) <= Math.abs(q.z - run.z) ? p : q
          const label = to.faces[0] < 0 ? -1 : faceLabel[to.faces[0]]
          if (label < 0) continue
          best = f; bestArea = faces[f].area; bestLabel = label
        }
      })
      if (best < 0) continue
      faceLabel[best] = bestLabel
      done[best] = 1
      changed++
      fixed = true
    }
    if (!fixed) break
  }
  return changed
}

/** Signed difference a − b of two angles, in (−π, π]. */
function angleBetween(a: number, b: number): number {
  let d = (a - b) % (2 * Math.PI)
  if (d > Math.PI) d -= 2 * Math.PI
  if (d <= -Math.PI) d += 2 * Math.PI
  return d
}

/**
 * Runs of a cyclic sequence of faces (−1: outside) by level: the distinct heights are sorted and
 * grouped, each group spanning at most `tol` from its lowest, exactly as the solid builder
 * merges the levels at a vertex; consecutive faces of one level form a run, whose `z` is the
 * level's rank. The first and last runs merge when they share a level.
 */
function levelRuns(seq: number[], z: (f: number) => number, tol: number):
  Array<{ z: number; faces: number[] }> {
  const hs = [...new Set(seq.map(z))].sort((p, q) => p - q)
  const rank = new Map<number, number>()
  for (let i = 0, g = 0; i < hs.length; g++) {
    let j = i
    while (j + 1 < hs.length && hs[j + 1] - hs[i] <= tol) j++
    for (let k = i; k <= j; k++) rank.set(hs[k], g)
    i = j + 1
  }
  const runs: Array<{ z: number; faces: number[] }> = []
  for (const f of seq) {
    const r = rank.get(z(f)) as number
    const last = runs[runs.length - 1]
    if (last !== undefined && last.z === r) last.faces.push(f)
    else runs.push({ z: r, faces: [f] })
  }
  if (runs.length > 1 && runs[0].z === runs[runs.length - 1].z) {
    const tail = runs.pop() as { z: number; faces: number[] }
    runs[0].faces.push(...tail.faces)
  }
  return runs
}
