import type { ErrorObject } from 'ajv'

/** The configuration schema compiled ahead of time (scripts/write-schema.mjs). */
export interface ConfigValidator {
  (data: unknown): boolean
  errors?: ErrorObject[] | null
}
export declare const validate: ConfigValidator
export default validate
