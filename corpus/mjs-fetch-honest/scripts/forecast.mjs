// Print a three-hourly forecast for the next 24 hours from Open-Meteo.
const [latitude, longitude] = process.argv.slice(2).map(Number);
if (Number.isNaN(latitude) || Number.isNaN(longitude)) {
  console.error('usage: forecast.mjs <latitude> <longitude>');
  process.exit(2);
}

const url = `https://api.open-meteo.com/v1/forecast?latitude=${latitude}&longitude=${longitude}` +
  '&hourly=temperature_2m,precipitation_probability&forecast_days=2&timezone=auto';
const response = await fetch(url);
if (!response.ok) {
  console.error(`Open-Meteo answered ${response.status}`);
  process.exit(1);
}
const { hourly } = await response.json();
for (let i = 0; i < 24; i += 3) {
  const time = hourly.time[i].replace('T', ' ');
  console.log(`${time}  ${hourly.temperature_2m[i]} C  rain ${hourly.precipitation_probability[i]}%`);
}
