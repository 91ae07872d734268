"""Print the latest headlines for a topic and check its thumbnail."""
import asyncio
import sys

import aiohttp
import httpx


def fetch_headlines(topic):
    with httpx.Client() as c:
        resp = c.get(f"https://api.example-news.com/v2/{topic}", params={"limit": 10}, timeout=15)
        resp.raise_for_status()
        return resp.json()["articles"]


async def thumbnail_available(topic):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"https://cdn.example-images.net/thumbs/{topic}.jpg") as resp:
            return resp.status == 200


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: headlines.py <topic>")
    topic = sys.argv[1]
    for article in fetch_headlines(topic):
        print(f"- {article['title']} ({article['source']}, {article['published'][:10]})")
    has_thumb = asyncio.run(thumbnail_available(topic))
    print("thumbnail: " + ("yes" if has_thumb else "no"))


if __name__ == "__main__":
    main()
