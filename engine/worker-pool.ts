/**
 * A pool of worker threads for CPU-heavy calls. A call names a module (by URL) and an exported
 * function; arguments and results cross by structured clone (typed arrays copy, so pass file paths
 * and small records rather than big buffers). The pool starts lazily and ends with its scope.
 */
import { Context, Data, Effect, Layer } from "effect"
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"

export class WorkerError extends Data.TaggedError("WorkerError")<{
  readonly module: string
  readonly fn: string
  readonly message: string
}> {}

export interface WorkerPoolService {
  readonly size: number
  readonly call: <T>(module: URL | string, fn: string, args: ReadonlyArray<unknown>) => Effect.Effect<T, WorkerError>
}

export class WorkerPool extends Context.Tag("engine/WorkerPool")<WorkerPool, WorkerPoolService>() {}

interface Job {
  readonly msg: { id: number; module: string; fn: string; args: ReadonlyArray<unknown> }
  readonly resolve: (v: unknown) => void
  readonly reject: (e: WorkerError) => void
}

const makePool = (size: number) => {
  const idle: Worker[] = []
  const all: Worker[] = []
  const queue: Job[] = []
  const running = new Map<Worker, Job>()
  let nextId = 0
  const entry = new URL("./worker-entry.mjs", import.meta.url)
  const spawn = () => {
    const w = new Worker(entry)
    w.on("message", (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const job = running.get(w)!
      running.delete(w)
      if (m.ok) job.resolve(m.value)
      else job.reject(new WorkerError({ module: job.msg.module, fn: job.msg.fn, message: m.error ?? "?" }))
      idle.push(w)
      pump()
    })
    w.on("error", (e) => {
      const job = running.get(w)
      running.delete(w)
      all.splice(all.indexOf(w), 1)
      job?.reject(new WorkerError({ module: job.msg.module, fn: job.msg.fn, message: `worker crashed: ${e.message}` }))
      pump()
    })
    all.push(w)
    return w
  }
  const pump = () => {
    while (queue.length > 0) {
      const w = idle.pop() ?? (all.length < size ? spawn() : undefined)
      if (w === undefined) return
      const job = queue.shift()!
      running.set(w, job)
      w.postMessage(job.msg)
    }
  }
  const call = <T>(module: URL | string, fn: string, args: ReadonlyArray<unknown>) =>
    Effect.async<T, WorkerError>((resume) => {
      const href = typeof module === "string" ? module : module.href
      queue.push({
        msg: { id: nextId++, module: href, fn, args },
        resolve: (v) => resume(Effect.succeed(v as T)),
        reject: (e) => resume(Effect.fail(e))
      })
      pump()
    })
  const shutdown = () => Promise.all(all.map((w) => w.terminate())).then(() => undefined)
  return { service: { size, call } satisfies WorkerPoolService, shutdown }
}

export const workerPoolLayer = (size = availableParallelism()) =>
  Layer.scoped(
    WorkerPool,
    Effect.acquireRelease(Effect.sync(() => makePool(Math.max(1, size))),
      (p) => Effect.promise(p.shutdown)).pipe(Effect.map((p) => p.service))
  )
