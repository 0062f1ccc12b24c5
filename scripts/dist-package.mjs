// ncc's ESM bundle needs a package.json beside it saying the files are modules.
import { writeFileSync } from 'node:fs'
writeFileSync(new URL('../dist/package.json', import.meta.url), JSON.stringify({ type: 'module' }, null, 2) + '\n')
