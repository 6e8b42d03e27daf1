import { Effect } from "effect"
import { threadId } from "node:worker_threads"
import { describe, expect, it } from "vitest"
import { WorkerPool, workerPoolLayer } from "../../engine/index.ts"

const fns = new URL("./fixtures/worker-fns.ts", import.meta.url)
const run = <A>(size: number, f: (pool: typeof WorkerPool.Service) => Effect.Effect<A, any>) =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(WorkerPool, f).pipe(Effect.provide(workerPoolLayer(size)))))

describe("WorkerPool", () => {
  it("runs calls off the main thread, on at most `size` workers, in order of their results", async () => {
    const results = await run(2, (pool) => Effect.all(
      Array.from({ length: 6 }, (_, n) => pool.call<{ threadId: number; square: number }>(fns, "whereAmI", [n])),
      { concurrency: "unbounded" }))
    expect(results.map((r) => r.square)).toEqual([0, 1, 4, 9, 16, 25])
    const threads = new Set(results.map((r) => r.threadId))
    expect(threads.has(threadId)).toBe(false)
    expect(threads.size).toBeLessThanOrEqual(2)
  })
  it("turns a thrown error into a WorkerError naming the function, and goes on serving", async () => {
    const [err, ok] = await run(1, (pool) => Effect.all([
      Effect.flip(pool.call(fns, "explode", ["magic"])),
      pool.call<{ square: number }>(fns, "whereAmI", [3])
    ]))
    expect(err).toMatchObject({ _tag: "WorkerError", fn: "explode", message: "cannot do magic" })
    expect(ok.square).toBe(9)
  })
})
