/**
 * Running engine programs against a home folder: provides the engine's services, then the
 * definitions' resources on top (resources may use the engine's services, e.g. SourceHashes).
 */
import { Effect, Layer } from "effect"
import type { AnyDefinitions, EngineServices } from "./graph.ts"
import { engineLayer } from "./home.ts"

export const provideEngine = <A, E>(
  defs: AnyDefinitions,
  home: string,
  program: Effect.Effect<A, E, any>
): Effect.Effect<A, unknown, never> => {
  const all = Layer.provideMerge(defs.resources as Layer.Layer<any, unknown, EngineServices>,
    engineLayer(home))
  return Effect.scoped(program).pipe(Effect.provide(all)) as Effect.Effect<A, unknown, never>
}
