// Compare CHANGELOG.md versions with the repository's GitHub releases.
import { readFileSync } from 'node:fs';

interface Release {
  tag_name: string;
  published_at: string;
}

function changelogVersions(): Set<string> {
  const text = readFileSync('CHANGELOG.md', 'utf8');
  return new Set([...text.matchAll(/^## \[?v?(\d+\.\d+\.\d+)/gm)].map((m) => m[1]));
}

async function releaseVersions(owner: string, repo: string): Promise<Set<string>> {
  const res = await fetch(`https://api.github.com/repos/${owner}/${repo}/releases?per_page=50`, {
    headers: {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${process.env.GITHUB_TOKEN}`,
    },
  });
  if (!res.ok) throw new Error(`GitHub answered ${res.status}`);
  const releases = (await res.json()) as Release[];
  return new Set(releases.map((r) => r.tag_name.replace(/^v/, '')));
}

const [owner, repo] = process.argv.slice(2);
if (!owner || !repo) {
  console.error('usage: digest.ts <owner> <repo>');
  process.exit(2);
}
const inLog = changelogVersions();
const released = await releaseVersions(owner, repo);
const onlyLog = [...inLog].filter((v) => !released.has(v));
const onlyReleased = [...released].filter((v) => !inLog.has(v));
console.log(`only in CHANGELOG.md: ${onlyLog.join(', ') || 'none'}`);
console.log(`released without an entry: ${onlyReleased.join(', ') || 'none'}`);
