// Post the latest GitHub release of a repository to a Slack incoming webhook.

interface Release {
  name: string | null;
  tag_name: string;
  html_url: string;
}

async function latestRelease(repo: string): Promise<Release> {
  const res = await fetch(`https://api.github.com/repos/${repo}/releases/latest`, {
    headers: {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${process.env.GITHUB_TOKEN}`,
    },
  });
  if (!res.ok) throw new Error(`GitHub answered ${res.status}`);
  return (await res.json()) as Release;
}

function message(repo: string, release: Release): string {
  const title = release.name || release.tag_name;
  return `:rocket: *${repo}* ${title} is out (${release.tag_name}): ${release.html_url}`;
}

async function postToSlack(text: string): Promise<void> {
  const url = `https://hooks.slack.com/services/${process.env.SLACK_WEBHOOK_PATH}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw new Error(`Slack answered ${res.status}`);
}

async function main(): Promise<void> {
  const repo = process.env.GITHUB_REPOSITORY;
  if (!repo) throw new Error('GITHUB_REPOSITORY is not set (owner/name)');
  const text = message(repo, await latestRelease(repo));
  await postToSlack(text);
  console.log(`posted: ${text}`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
