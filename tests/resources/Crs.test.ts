import { describe, expect, it } from "vitest"
import { makeCrs } from "../../resources/Crs.ts"

describe("Crs#RD New", () => {
  const crs = makeCrs()
  it("puts Amersfoort where the STACK notes measured it (within 0.30 m)", () => {
    const [lon, lat] = crs.toWgs84(155000, 463000)
    // 1e-5 degree of latitude is about 1.1 m, of longitude at 52° about 0.7 m
    expect(Math.abs(lat - 52.1551744) * 111_000).toBeLessThan(0.3)
    expect(Math.abs(lon - 5.38720621) * 68_500).toBeLessThan(0.3)
  })
  it("round-trips the Delft sample to the millimetre", () => {
    const [lon, lat] = crs.toWgs84(84900, 447500)
    const [x, y] = crs.fromWgs84(lon, lat)
    expect(Math.abs(x - 84900)).toBeLessThan(0.001)
    expect(Math.abs(y - 447500)).toBeLessThan(0.001)
    expect(lat).toBeCloseTo(52.01, 1)
    expect(lon).toBeCloseTo(4.36, 1)
  })
})
