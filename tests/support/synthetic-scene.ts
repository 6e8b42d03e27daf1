/**
 * Deterministic synthetic lidar scenes for kernel tests: a seeded LCG, rectangle rings and a
 * point builder. Coordinates are given relative to an RD-like origin so that tests exercise
 * the precision of real EPSG:28992 numbers.
 */
import type { PointSet, Polygon, Ring } from "../../kernels/geometry-types.ts"
import { pointInPolygon } from "../../kernels/point-index.ts"

/** RD New origin used by the synthetic scenes (Delft-like). */
export const X0 = 85_000
export const Y0 = 446_000

/** Numerical Recipes LCG; returns a generator of floats in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

/** Ring from local (x, y) pairs, shifted by (X0, Y0). */
export function ring(...xy: number[]): Ring {
  return Float64Array.from(xy, (v, i) => v + (i % 2 === 0 ? X0 : Y0))
}

/** CCW rectangle ring, local coordinates. */
export function rect(x0: number, y0: number, x1: number, y1: number): Ring {
  return ring(x0, y0, x1, y0, x1, y1, x0, y1)
}

/** CW rectangle ring (a hole), local coordinates. */
export function rectHole(x0: number, y0: number, x1: number, y1: number): Ring {
  return ring(x0, y0, x0, y1, x1, y1, x1, y0)
}

export class PointBuilder {
  private readonly xs: number[] = []
  private readonly ys: number[] = []
  private readonly zs: number[] = []
  private readonly cs: number[] = []

  add(x: number, y: number, z: number, c: number): this {
    this.xs.push(x)
    this.ys.push(y)
    this.zs.push(z)
    this.cs.push(c)
    return this
  }

  /**
   * Grid at `spacing` over the local box [x0, x1) × [y0, y1), first point at half a spacing
   * from the corner; `keep(x, y)` (absolute coordinates) filters; `z(x, y)` gives height.
   */
  grid(
    box: readonly [number, number, number, number],
    spacing: number,
    c: number,
    z: (x: number, y: number) => number,
    keep: (x: number, y: number) => boolean = () => true
  ): this {
    const nx = Math.round((box[2] - box[0]) / spacing)
    const ny = Math.round((box[3] - box[1]) / spacing)
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = X0 + box[0] + (i + 0.5) * spacing
        const y = Y0 + box[1] + (j + 0.5) * spacing
        if (keep(x, y)) this.add(x, y, z(x, y), c)
      }
    }
    return this
  }

  build(): PointSet {
    return {
      x: Float64Array.from(this.xs),
      y: Float64Array.from(this.ys),
      z: Float64Array.from(this.zs),
      classification: Uint8Array.from(this.cs),
      length: this.xs.length
    }
  }
}

export const inside = (p: Polygon) => (x: number, y: number) => pointInPolygon(p, x, y)
export const outside = (p: Polygon) => (x: number, y: number) => !pointInPolygon(p, x, y)
