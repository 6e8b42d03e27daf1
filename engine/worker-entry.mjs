// Worker thread bootstrap: lets the worker import TypeScript modules, then serves calls
// { id, module, fn, args } with { id, ok, value | error }. Modules are imported once and cached.
import { register } from "tsx/esm/api"
import { parentPort } from "node:worker_threads"

register()
const modules = new Map()

parentPort.on("message", async (msg) => {
  try {
    let mod = modules.get(msg.module)
    if (mod === undefined) {
      mod = await import(msg.module)
      modules.set(msg.module, mod)
    }
    const f = mod[msg.fn]
    if (typeof f !== "function") throw new Error(`${msg.module} exports no function '${msg.fn}'`)
    const value = await f(...msg.args)
    parentPort.postMessage({ id: msg.id, ok: true, value })
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? `${e.message}` : String(e) })
  }
})
