// Every package the lock file installs must run on the oldest Node.js the
// README supports: Debian 12's 18.20 (./dev installs it where Node is
// missing). A newer release of a dependency that needs Node 20 or 22 is
// caught here, by name, before the build fails on a phone-less server with
// "crypto is not defined".
import { readFileSync } from 'node:fs'
import semver from 'semver'

const oldest = '18.20.0'
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url)))
const refused = []
for (const [path, entry] of Object.entries(lock.packages)) {
  const wanted = path && entry.engines && entry.engines.node
  if (wanted && !semver.satisfies(oldest, wanted)) refused.push(`${path} ${entry.version} needs node ${wanted}`)
}
if (refused.length) {
  console.error(`These packages do not run on Node.js ${oldest} (Debian 12); pin an older release in package.json "overrides":`)
  for (const line of refused) console.error(`  ${line}`)
  process.exit(1)
}
