// Writes schema/karpenter-config.schema.json from src/config/schema.ts, the source of truth.
// The TS file holds one plain object literal, evaluated here as such.
import { readFileSync, writeFileSync } from 'node:fs'

const src = readFileSync(new URL('../src/config/schema.ts', import.meta.url), 'utf8')
const literal = src.slice(src.indexOf('{'), src.lastIndexOf('}') + 1)
const schema = Function(`return (${literal})`)()
writeFileSync(
  new URL('../schema/karpenter-config.schema.json', import.meta.url),
  JSON.stringify(schema, null, 2) + '\n',
)
console.log('schema/karpenter-config.schema.json written')
