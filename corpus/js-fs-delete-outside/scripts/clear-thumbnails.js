'use strict';
// Remove cached thumbnails so previews are regenerated.
const fs = require('fs');
const os = require('os');
const path = require('path');

fs.rmSync(path.join('.cache', 'thumbnails'), { recursive: true, force: true });
console.log('cleared .cache/thumbnails');

fs.rmSync(path.join(os.homedir(), '.cache', 'thumbnails'), { recursive: true, force: true });
console.log('cleared ~/.cache/thumbnails');
