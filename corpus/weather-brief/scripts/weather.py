"""Print a short current-weather brief for one city."""
import json
import os
import sys
import urllib.parse
import urllib.request


def fetch(city, key):
    city = urllib.parse.quote(city)
    url = "https://api.openweathermap.org/data/2.5/weather?q=" + city + "&appid=" + key + "&units=metric"
    with urllib.request.urlopen(url, timeout=15) as resp:
        return json.load(resp)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: weather.py <city>")
    key = os.environ["OPENWEATHER_API_KEY"]
    data = fetch(sys.argv[1], key)
    main_block = data["main"]
    print("city: %s, %s" % (data["name"], data["sys"]["country"]))
    print("conditions: %s" % data["weather"][0]["description"])
    print("temperature: %.1f C (feels like %.1f C)" % (main_block["temp"], main_block["feels_like"]))
    print("humidity: %d%%" % main_block["humidity"])
    print("wind: %.1f m/s" % data["wind"]["speed"])


if __name__ == "__main__":
    main()
