/**
 * The configuration's types, derived from the schema (src/config/schema.ts) rather than written again by hand:
 * `RawConfig` is what a valid file holds, `Config` what the loader gives once the schema's defaults are filled in.
 */
import type { configSchema } from './schema.js'

type Schema = typeof configSchema
type Definitions = Schema['definitions']

/** A `$ref` to `#/definitions/<name>` replaced by that definition (its own keywords kept beside it). */
type Resolved<S> = S extends { $ref: `#/definitions/${infer K extends keyof Definitions & string}` }
  ? Omit<S, '$ref'> & Definitions[K]
  : S

type Scalar<T> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : never

/** The type a schema describes. `Filled`: what the loader fills in (see Defaulted) is present. */
type FromSchema<S0, Filled extends boolean> =
  Resolved<S0> extends infer S
    ? S extends { enum: readonly (infer E)[] }
      ? E
      : S extends { type: 'array'; items: infer I }
        ? FromSchema<I, Filled>[]
        : S extends { type: 'object'; properties: infer P }
          ? ObjectOf<P, S extends { required: readonly (infer R)[] } ? R : never, Filled>
          : S extends { type: 'object'; additionalProperties: infer A extends object }
            ? Record<string, FromSchema<A, Filled>>
            : S extends { type: 'object' }
              ? Record<string, unknown>
              : S extends { type: readonly (infer T)[] }
                ? Scalar<T>
                : S extends { type: infer T }
                  ? Scalar<T>
                  : unknown
    : never

/** A property the loader always fills: it has a default, or it is an object with properties that have one. */
type Defaulted<S> = S extends { default: unknown }
  ? true
  : S extends { properties: infer P }
    ? [{ [K in keyof P]: Resolved<P[K]> extends { default: unknown } ? K : never }[keyof P]] extends [never]
      ? false
      : true
    : false

type PresentKeys<P, Required, Filled extends boolean> = {
  [K in keyof P]: K extends Required
    ? K
    : Filled extends true
      ? Defaulted<Resolved<P[K]>> extends true
        ? K
        : never
      : never
}[keyof P]

type Flat<T> = { [K in keyof T]: T[K] }

type ObjectOf<P, Required, Filled extends boolean> = Flat<
  { -readonly [K in PresentKeys<P, Required, Filled>]: FromSchema<P[K], Filled> } & {
    -readonly [K in Exclude<keyof P, PresentKeys<P, Required, Filled>>]?: FromSchema<P[K], Filled>
  }
>

/** A configuration file as the schema accepts it. */
export type RawConfig = FromSchema<Schema, false>

type Filled = FromSchema<Schema, true>

export type Partition = NonNullable<RawConfig['cluster']['partition']>

/**
 * The configuration after defaults: every field with a default is present; the region (from the file or the
 * `aws-region` input) and the partition (the region's unless set) are always known; `file` names where it came from.
 */
export type Config = Flat<
  Omit<Filled, 'cluster'> & {
    file: string
    cluster: Flat<Omit<Filled['cluster'], 'region' | 'partition'> & { region: string; partition: Partition }>
  }
>

export type NodePoolConfig = Config['nodePools'][number]
export type NodeAccess = Config['iam']['nodeAccess']
